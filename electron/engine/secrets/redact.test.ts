import { describe, expect, it } from 'vitest';
import { hasSecret, redact, redactDeep } from './redact';

describe('redact', () => {
  it('hides user info, credential query values and token path segments', () => {
    expect(redact('https://user:secret@ntfy.example.org/alerts?token=abc&title=x')).toBe(
      'https://***@ntfy.example.org/alerts?token=***&title=x',
    );
    expect(redact('https://ntfy.sh/cairn?auth=QmFzaWMgdXNlcjpwYXNz')).toBe('https://ntfy.sh/cairn?auth=***');
    expect(redact('https://h.example/hook?api_key=1&Password=2&sig=3')).toBe(
      'https://h.example/hook?api_key=***&Password=***&sig=***',
    );
    expect(redact('https://:tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2@ntfy.sh/t')).toBe('https://***@ntfy.sh/t');
    expect(redact('https://ntfy.sh/t/tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2')).toBe('https://ntfy.sh/t/***');
    expect(redact('https://hooks.slack.com/services/T0001/B0002/XXXXxxxxXXXX1234yyyyZZZZ')).toBe(
      'https://hooks.slack.com/services/T0001/B0002/***',
    );
  });

  it('leaves URLs without credentials and plain text exactly as written', () => {
    for (const s of ['https://ntfy.sh/cairn-alerts', 'http://127.0.0.1:8080', 'no url here', 'C:\\x'])
      expect(redact(s)).toBe(s);
    expect(hasSecret('https://ntfy.sh/cairn-alerts')).toBe(false);
    expect(hasSecret('https://u:p@ntfy.sh/cairn-alerts')).toBe(true);
    expect(hasSecret(redact('https://u:p@ntfy.sh/x?token=t'))).toBe(false); // redacted once is enough
  });

  it('finds URLs inside messages and values inside objects', () => {
    expect(redact('The webhook at https://a:b@h.example/x?key=k answered 500.')).toBe(
      'The webhook at https://***@h.example/x?key=*** answered 500.',
    );
    expect(
      redactDeep({ notifications: { ntfyUrl: 'https://u:p@n.example/t', onSuccess: true }, list: ['x'] }),
    ).toEqual({ notifications: { ntfyUrl: 'https://***@n.example/t', onSuccess: true }, list: ['x'] });
  });
});
