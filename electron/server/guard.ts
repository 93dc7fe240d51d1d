import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIPv4 } from 'node:net';
import os from 'node:os';

/** True for an address that only this machine can reach: 127.0.0.0/8, ::1 and localhost, nothing else. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || (isIPv4(h) && h.startsWith('127.'));
}

/** The Host header values a request may carry: the loopback names and the address listened on, with the port. */
export function allowedHosts(bindHost: string, port: number): Set<string> {
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  const bracket = (h: string) => (h.includes(':') ? `[${h}]` : h);
  if (bindHost === '0.0.0.0' || bindHost === '::') {
    // Every address of this machine, and its name.
    for (const list of Object.values(os.networkInterfaces()))
      for (const a of list ?? []) names.push(bracket(a.address));
    names.push(os.hostname());
  } else names.push(bracket(bindHost)); // the address Cairn prints always passes
  return new Set(names.map((n) => `${n}:${port}`.toLowerCase()));
}

/**
 * Refuses requests whose Host is not ours (DNS rebinding: a web page on evil.example resolving to
 * 127.0.0.1 still sends Host: evil.example) and whose Origin, when present, is not ours.
 */
export function checkHostAndOrigin(req: IncomingMessage, hosts: Set<string>): string | null {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.has(host)) return `The Host header "${host}" is not this Cairn; open the address Cairn printed.`;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (!originAllowed(origin, hosts)) return `Requests from ${origin} are not allowed.`;
  }
  return null;
}

function originAllowed(origin: string, hosts: Set<string>): boolean {
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' && hosts.has(u.host.toLowerCase());
  } catch {
    return false;
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when the request carries the token: "Authorization: Bearer <token>", or `?token=` where allowed. */
export function hasToken(req: IncomingMessage, token: string, allowQuery: boolean): boolean {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && same(auth.slice(7).trim(), token)) return true;
  if (!allowQuery) return false;
  const q = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  return q !== null && same(q, token);
}
