import { describe, expect, it } from 'vitest';
import { allowedHosts, isLoopback } from './guard';

describe('loopback', () => {
  it('is 127.0.0.0/8, ::1 and localhost only', () => {
    for (const h of ['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', 'localhost', 'LOCALHOST'])
      expect(isLoopback(h), h).toBe(true);
    for (const h of ['127.foo', '127.0.0.1.evil.example', '127.1', '0.0.0.0', '::', '10.0.0.1', 'localhost.'])
      expect(isLoopback(h), h).toBe(false);
  });

  it('lets the address Cairn listens on (and so prints) through the Host check', () => {
    expect(allowedHosts('127.0.0.2', 4000).has('127.0.0.2:4000')).toBe(true);
    expect(allowedHosts('::1', 4000).has('[::1]:4000')).toBe(true);
    expect(allowedHosts('127.0.0.1', 4000).has('localhost:4000')).toBe(true);
    expect(allowedHosts('127.0.0.2', 4000).has('127.0.0.3:4000')).toBe(false);
  });
});
