// A fault proxy in front of s3rver (loopback only): counts request body bytes per key, answers chosen
// requests with 503 SlowDown, drops a connection in the middle of a body, stalls an upload, or damages a
// byte. It also answers three calls from s3rver's own folder, where s3rver 3.7.1 falls short of S3:
// ListParts and AbortMultipartUpload (s3rver speaks create, upload part and complete only), and
// ListObjectsV2 with a delimiter (s3rver misses common prefixes more than one folder deep, and fails to
// page through them).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** An S3 operation, named as the AWS API names it. */
export type Op =
  | 'ListBuckets'
  | 'HeadBucket'
  | 'ListObjectsV2'
  | 'BucketOther'
  | 'PutObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'ListParts'
  | 'AbortMultipartUpload'
  | 'Other';

export type FaultKind =
  /** 503 SlowDown (the request body is read first, as S3 does). */
  | 'slowdown'
  /** The connection is dropped once half the request body has arrived. */
  | 'drop-request'
  /** The connection is dropped once half the response body has gone out. */
  | 'drop-response'
  /** The request body stops being read after `atByte` bytes, until the client goes away (then kill -9 it). */
  | 'stall'
  /** One byte of the request body is flipped on its way to s3rver (which keeps it as it arrives). */
  | 'corrupt-request'
  /** One byte of the response body is flipped on its way to the client. */
  | 'corrupt-response';

export interface Fault {
  op: Op;
  kind: FaultKind;
  /** Only requests whose key contains this. */
  key?: string;
  /** How many matching requests it hits (default 1). */
  times?: number;
  /** Matching requests let through before it hits (default 0). */
  skip?: number;
  /** For `stall`: body bytes let through first. */
  atByte?: number;
}

export interface Logged {
  op: Op;
  method: string;
  key: string;
  status: number | null;
  fault: FaultKind | null;
  /** The checksum and storage-class headers the request carried. */
  headers: Record<string, string>;
}

const KEPT_HEADERS = [
  'content-md5',
  'x-amz-checksum-sha256',
  'x-amz-checksum-algorithm',
  'x-amz-storage-class',
];

const MAX_LOG = 100_000;
const OBJECT = '._S3rver_object';

/** What a request is, from its method, path and query. */
export function opOf(method: string, key: string, q: URLSearchParams, bucket: string): Op {
  if (!bucket) return 'ListBuckets';
  if (!key) {
    if (method === 'HEAD') return 'HeadBucket';
    if (
      method === 'GET' &&
      [...q.keys()].every((k) => !['versioning', 'object-lock', 'location'].includes(k))
    )
      return 'ListObjectsV2';
    return 'BucketOther';
  }
  if (q.has('uploads')) return 'CreateMultipartUpload';
  if (q.has('uploadId')) {
    if (method === 'PUT') return 'UploadPart';
    if (method === 'POST') return 'CompleteMultipartUpload';
    if (method === 'GET') return 'ListParts';
    if (method === 'DELETE') return 'AbortMultipartUpload';
  }
  const plain: Record<string, Op> = {
    PUT: 'PutObject',
    GET: 'GetObject',
    HEAD: 'HeadObject',
    DELETE: 'DeleteObject',
  };
  return plain[method] ?? 'Other';
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Whether a request is signed with s3rver's key id (as s3rver checks: it does not check V4 signatures). */
function knownKey(req: http.IncomingMessage): boolean {
  const m = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '');
  return m?.[1] === 'S3RVER';
}

function s3Error(res: http.ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`,
  );
}

export class FaultProxy {
  private server: http.Server | null = null;
  private faults: (Fault & { seen: number; hit: number })[] = [];
  /** Request body bytes received, per key and in total (dropped and stalled bodies included). */
  readonly received = { total: 0, byKey: new Map<string, number>() };
  readonly log: Logged[] = [];
  port = 0;

  constructor(
    private readonly target: { port: number },
    /** s3rver's directory (its uploads live in <dir>/<bucket>/._S3rver_uploads/<uploadId>/<n>). */
    private readonly dir: string,
  ) {}

  async listen(): Promise<number> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  fault(f: Fault): void {
    this.faults.push({ ...f, seen: 0, hit: 0 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Faults not yet used up. */
  pending(): Fault[] {
    return this.faults.filter((f) => f.hit < (f.times ?? 1));
  }

  /** Body bytes received for keys containing `part`. */
  bytesFor(part: string): number {
    let n = 0;
    for (const [k, v] of this.received.byKey) if (k.includes(part)) n += v;
    return n;
  }

  count(op: Op, status?: number): number {
    return this.log.filter((l) => l.op === op && (status === undefined || l.status === status)).length;
  }

  resetCounters(): void {
    this.received.total = 0;
    this.received.byKey.clear();
    this.log.length = 0;
  }

  private take(op: Op, key: string): Fault | null {
    for (const f of this.faults) {
      if (f.op !== op || (f.key !== undefined && !key.includes(f.key)) || f.hit >= (f.times ?? 1)) continue;
      if (f.seen++ < (f.skip ?? 0)) continue;
      f.hit++;
      return f;
    }
    return null;
  }

  private countIn(key: string, n: number): void {
    this.received.total += n;
    this.received.byKey.set(key, (this.received.byKey.get(key) ?? 0) + n);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [bucket = '', ...rest] = url.pathname.slice(1).split('/');
    const key = decodeURIComponent(rest.join('/'));
    const op = opOf(req.method ?? 'GET', key, url.searchParams, decodeURIComponent(bucket));
    const fault = this.take(op, key);
    const headers: Record<string, string> = {};
    for (const h of KEPT_HEADERS) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h];
    const entry: Logged = {
      op,
      method: req.method ?? '',
      key,
      status: null,
      fault: fault?.kind ?? null,
      headers,
    };
    if (this.log.length < MAX_LOG) this.log.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    const b = decodeURIComponent(bucket);
    const served = op === 'ListObjectsV2' || op === 'ListParts' || op === 'AbortMultipartUpload';
    if (served && !knownKey(req)) {
      return this.drained(req, key, () =>
        s3Error(
          res,
          403,
          'InvalidAccessKeyId',
          'The AWS Access Key Id you provided does not exist in our records.',
        ),
      );
    }
    if (op === 'ListObjectsV2')
      return this.drained(req, key, () => this.listObjects(res, b, url.searchParams));
    if (op === 'ListParts')
      return this.drained(req, key, () => this.listParts(res, b, key, url.searchParams));
    if (op === 'AbortMultipartUpload')
      return this.drained(req, key, () => this.abort(res, b, url.searchParams));
    if (fault?.kind === 'slowdown') {
      return this.drained(req, key, () => s3Error(res, 503, 'SlowDown', 'Please reduce your request rate.'));
    }
    this.forward(req, res, key, fault);
  }

  /** Reads (and counts) a request's body, then answers. */
  private drained(req: http.IncomingMessage, key: string, answer: () => void): void {
    req.on('data', (c: Buffer) => this.countIn(key, c.length));
    req.on('end', answer);
  }

  private forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    key: string,
    fault: Fault | null,
  ): void {
    const up = http.request({
      host: '127.0.0.1',
      port: this.target.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    });
    const length = Number(req.headers['content-length'] ?? 0);
    let got = 0;
    let flipped = false;
    const drop = () => {
      up.destroy();
      req.socket.destroy();
    };
    up.on('error', () => req.socket.destroy());
    req.on('data', (chunk: Buffer) => {
      this.countIn(key, chunk.length);
      got += chunk.length;
      if (fault?.kind === 'drop-request' && got >= length / 2) return drop();
      if (fault?.kind === 'stall' && got >= (fault.atByte ?? 0)) {
        req.pause();
        return;
      }
      if (fault?.kind === 'corrupt-request' && !flipped) {
        chunk = Buffer.from(chunk);
        chunk[0] = chunk[0]! ^ 0xff;
        flipped = true;
      }
      if (!up.write(chunk)) {
        req.pause();
        up.once('drain', () => req.resume());
      }
    });
    req.on('end', () => up.end());
    req.on('close', () => {
      if (!req.complete) up.destroy();
    });
    up.on('response', (r) => this.answer(r, res, fault));
  }

  private answer(r: http.IncomingMessage, res: http.ServerResponse, fault: Fault | null): void {
    res.writeHead(r.statusCode ?? 502, r.headers);
    const length = Number(r.headers['content-length'] ?? 0);
    let sent = 0;
    let flipped = false;
    r.on('data', (chunk: Buffer) => {
      if (fault?.kind === 'drop-response' && sent + chunk.length >= length / 2) {
        res.write(chunk.subarray(0, Math.max(0, Math.floor(length / 2) - sent)));
        r.destroy();
        res.socket?.destroy();
        return;
      }
      if (fault?.kind === 'corrupt-response' && !flipped && chunk.length > 0) {
        chunk = Buffer.from(chunk);
        chunk[chunk.length >> 1] = chunk[chunk.length >> 1]! ^ 0xff;
        flipped = true;
      }
      sent += chunk.length;
      res.write(chunk);
    });
    r.on('end', () => res.end());
    r.on('error', () => res.socket?.destroy());
  }

  private uploadDir(bucket: string, uploadId: string): string {
    return path.join(this.dir, bucket, '._S3rver_uploads', path.basename(uploadId));
  }

  /** ListParts from s3rver's upload folder: each part whose upload finished (s3rver writes its .md5 last). */
  private listParts(res: http.ServerResponse, bucket: string, key: string, q: URLSearchParams): void {
    const uploadId = q.get('uploadId') ?? '';
    const dir = this.uploadDir(bucket, uploadId);
    if (!fs.existsSync(path.join(dir, 'key'))) {
      return s3Error(res, 404, 'NoSuchUpload', 'The specified upload does not exist.');
    }
    const marker = Number(q.get('part-number-marker') ?? 0);
    const max = Math.min(1000, Number(q.get('max-parts') ?? 1000));
    const numbers = fs
      .readdirSync(dir)
      .filter((f) => /^\d+\.md5$/.test(f))
      .map((f) => Number(f.slice(0, -4)))
      .filter((n) => n > marker)
      .sort((a, b) => a - b);
    const page = numbers.slice(0, max);
    const parts = page.map((n) => {
      const etag = fs.readFileSync(path.join(dir, `${n}.md5`), 'utf8').trim();
      const st = fs.statSync(path.join(dir, String(n)));
      return `<Part><PartNumber>${n}</PartNumber><LastModified>${st.mtime.toISOString()}</LastModified><ETag>"${etag}"</ETag><Size>${st.size}</Size></Part>`;
    });
    const truncated = numbers.length > page.length;
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
        `<Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${xmlEscape(uploadId)}</UploadId>` +
        `<PartNumberMarker>${marker}</PartNumberMarker><NextPartNumberMarker>${page.at(-1) ?? marker}</NextPartNumberMarker>` +
        `<MaxParts>${max}</MaxParts><IsTruncated>${truncated}</IsTruncated>${parts.join('')}</ListPartsResult>`,
    );
  }

  private abort(res: http.ServerResponse, bucket: string, q: URLSearchParams): void {
    const dir = this.uploadDir(bucket, q.get('uploadId') ?? '');
    if (!fs.existsSync(dir)) return s3Error(res, 404, 'NoSuchUpload', 'The specified upload does not exist.');
    fs.rmSync(dir, { recursive: true, force: true });
    res.writeHead(204);
    res.end();
  }

  /** Every object key of a bucket, sorted (s3rver keeps `a/b` as the file a/b._S3rver_object). */
  private keys(bucket: string): string[] {
    const root = path.join(this.dir, bucket);
    const keys: string[] = [];
    const walk = (d: string, depth: number) => {
      for (const e of depth < 64 ? fs.readdirSync(d, { withFileTypes: true }) : []) {
        if (e.isDirectory() && e.name !== '._S3rver_uploads') walk(path.join(d, e.name), depth + 1);
        else if (e.name.endsWith(OBJECT))
          keys.push(path.relative(root, path.join(d, e.name.slice(0, -OBJECT.length))));
      }
    };
    walk(root, 0);
    return keys.sort();
  }

  /** ListObjectsV2: one page of keys and common prefixes after the continuation token, in key order. */
  private listObjects(res: http.ServerResponse, bucket: string, q: URLSearchParams): void {
    if (!fs.existsSync(path.join(this.dir, bucket))) {
      return s3Error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    }
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const max = Math.min(1000, Number(q.get('max-keys') ?? 1000));
    const token = q.get('continuation-token');
    const after = token ? Buffer.from(token, 'base64url').toString() : (q.get('start-after') ?? '');
    const entries: { key?: string; prefix?: string }[] = [];
    for (const key of this.keys(bucket)) {
      if (!key.startsWith(prefix)) continue;
      const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      const name = at >= 0 ? key.slice(0, at + delimiter.length) : key;
      if (name <= after || (at >= 0 && entries.at(-1)?.prefix === name)) continue;
      entries.push(at >= 0 ? { prefix: name } : { key });
      if (entries.length > max) break;
    }
    const page = entries.slice(0, max);
    const truncated = entries.length > max;
    const last = page.at(-1);
    const next = truncated && last ? Buffer.from(last.key ?? last.prefix ?? '').toString('base64url') : null;
    const body = page.map((e) =>
      e.key !== undefined
        ? this.contents(bucket, e.key)
        : `<CommonPrefixes><Prefix>${xmlEscape(e.prefix!)}</Prefix></CommonPrefixes>`,
    );
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
        `<Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><MaxKeys>${max}</MaxKeys>` +
        (delimiter ? `<Delimiter>${xmlEscape(delimiter)}</Delimiter>` : '') +
        `<KeyCount>${page.length}</KeyCount><IsTruncated>${truncated}</IsTruncated>` +
        (token ? `<ContinuationToken>${xmlEscape(token)}</ContinuationToken>` : '') +
        (next ? `<NextContinuationToken>${next}</NextContinuationToken>` : '') +
        `${body.join('')}</ListBucketResult>`,
    );
  }

  private contents(bucket: string, key: string): string {
    const file = path.join(this.dir, bucket, key + OBJECT);
    const st = fs.statSync(file);
    const md5 = fs.existsSync(`${file}.md5`) ? fs.readFileSync(`${file}.md5`, 'utf8').trim() : '';
    return (
      `<Contents><Key>${xmlEscape(key)}</Key><LastModified>${st.mtime.toISOString()}</LastModified>` +
      `<ETag>"${md5}"</ETag><Size>${st.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`
    );
  }

  /** Uploads s3rver holds that were neither completed nor aborted. */
  openUploads(bucket: string): string[] {
    const d = path.join(this.dir, bucket, '._S3rver_uploads');
    return fs.existsSync(d) ? fs.readdirSync(d) : [];
  }
}
