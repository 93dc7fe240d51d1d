// A client for a real `cairn serve` process in tests: start it, call methods, read its event stream.
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { cairnSpawn } from './helpers/cli';
import { writeTree } from './helpers/tree';

export interface Served {
  proc: ChildProcess;
  /** The address serve printed, as it printed it ("127.0.0.1", "[::1]"). */
  host: string;
  port: number;
  token: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts a real `cairn serve` and waits for the address it prints. */
export async function serve(
  dataDir: string,
  env: NodeJS.ProcessEnv = {},
  args: string[] = [],
): Promise<Served> {
  const proc = cairnSpawn(['serve', ...args], { dataDir, env });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`serve printed no address: ${out} ${err}`)), 20_000);
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /http:\/\/[\w.:[\]]+:\d+\/#token=[\w-]+/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[0]);
      }
    });
    proc.on('exit', () => reject(new Error(`serve exited: ${err}`)));
  });
  const u = new URL(url);
  return {
    proc,
    host: u.hostname,
    port: Number(u.port),
    token: u.hash.slice('#token='.length),
    stderr: () => err,
    exited,
  };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function request(
  port: number,
  o: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    host?: string;
  },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: o.host ?? '127.0.0.1', port, method: o.method ?? 'GET', path: o.path, headers: o.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

export function call(
  s: Served,
  method: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return request(s.port, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
}

/** Reads Server-Sent Events until `until` says stop. */
export function events(
  s: Served,
  until: (type: string, data: unknown) => boolean,
  opts: { onEvent?: (type: string, data: unknown) => void } = {},
): Promise<{ type: string; data: unknown }[]> {
  return new Promise((resolve, reject) => {
    const got: { type: string; data: unknown }[] = [];
    const req = http.get(
      { host: '127.0.0.1', port: s.port, path: `/api/events?token=${encodeURIComponent(s.token)}` },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`events: ${res.statusCode}`));
        let buf = '';
        res.setEncoding('utf8');
        res.on('close', () => resolve(got));
        res.on('data', (c: string) => {
          buf += c;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const type = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (!type || data === undefined) continue;
            const parsed = JSON.parse(data) as unknown;
            got.push({ type, data: parsed });
            opts.onEvent?.(type, parsed);
            if (until(type, parsed)) {
              req.destroy();
              resolve(got);
            }
          }
        });
      },
    );
    req.on('error', (e) => (got.length ? undefined : reject(e)));
  });
}

export function corpus(root: string, files: number, bigMb = 0): string {
  const src = path.join(root, 'src');
  const tree: Record<string, string | Buffer> = {};
  for (let i = 0; i < files; i++) tree[`d${i % 25}/file-${i}.txt`] = `content of file ${i}\n`.repeat(10);
  if (bigMb) tree['big.bin'] = Buffer.alloc(bigMb << 20, 3);
  writeTree(src, tree);
  return src;
}
