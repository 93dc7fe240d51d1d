import { describe, expect, it } from 'vitest';
import { addressProblem, ntfyParts, ntfyUrl, topicProblem } from './notifyAddress';

describe('ntfy address as a server and a topic', () => {
  it('reads a stored URL back into the two fields and joins them again unchanged', () => {
    for (const [url, server, topic] of [
      ['https://ntfy.sh/backups-7f3a', 'https://ntfy.sh', 'backups-7f3a'],
      ['http://127.0.0.1:8080/cairn', 'http://127.0.0.1:8080', 'cairn'],
      ['https://example.org/ntfy/alerts', 'https://example.org/ntfy', 'alerts'],
      ['https://***@ntfy.example.org/alerts?token=***', 'https://***@ntfy.example.org', 'alerts?token=***'],
    ] as const) {
      expect(ntfyParts(url)).toEqual({ server, topic });
      expect(ntfyUrl(server, topic)).toBe(url);
    }
    expect(ntfyParts(null)).toEqual({ server: 'https://ntfy.sh', topic: '' });
    expect(ntfyUrl('https://ntfy.sh/', ' t ')).toBe('https://ntfy.sh/t');
    expect(ntfyUrl('https://ntfy.sh', '')).toBeNull();
  });

  it('says what is wrong with an address or a topic as it is typed', () => {
    expect(addressProblem('https://ntfy.sh')).toBeNull();
    expect(addressProblem('http://127.0.0.1:9')).toBeNull();
    expect(addressProblem('')).toBeNull();
    expect(addressProblem('ntfy.sh')).toMatch(/starting with https/);
    expect(addressProblem('ftp://x.org')).toMatch(/https:\/\/ or http:\/\//);
    expect(topicProblem('backups_7f3a-x')).toBeNull();
    expect(topicProblem('alerts?token=***')).toBeNull();
    expect(topicProblem('my topic')).toMatch(/letters, digits/);
    expect(topicProblem('x'.repeat(65))).toMatch(/up to 64/);
  });
});
