// The local S3 server of the tests: s3rver (npm, a Koa app storing objects in a folder) on 127.0.0.1 at a
// random port and in a temporary folder, with one bucket, behind a fault proxy (proxy.ts). Tests talk to the
// proxy (`endpoint`); `direct` reaches s3rver itself.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { S3Config } from '../../electron/engine/remotes/registry';
import { FaultProxy } from './proxy';

interface S3rverInstance {
  run(): Promise<{ port: number; address: string }>;
  close(): Promise<void>;
}
type S3rverCtor = new (o: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

const S3rver = createRequire(import.meta.url)('s3rver') as S3rverCtor;

/** s3rver's one key pair (it checks the key id; it does not check V4 signatures). */
export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3TestServer {
  /** The proxy's URL, e.g. http://127.0.0.1:41234 (path-style addresses). */
  endpoint: string;
  /** s3rver without the proxy. */
  direct: string;
  bucket: string;
  region: string;
  /** s3rver's folder (objects, and uploads under <bucket>/._S3rver_uploads). */
  dir: string;
  proxy: FaultProxy;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** AWS_* variables for a spawned `cairn` or `rclone` (the SDK's default chain reads them). */
  env: Record<string, string>;
  /** An S3Config for a prefix in the bucket. */
  config(prefix: string, extra?: Partial<S3Config>): S3Config;
  close(): Promise<void>;
}

/** Starts s3rver with `bucket` and the fault proxy in front of it; close() stops both and removes the folder. */
export async function startS3Server(o: { bucket?: string } = {}): Promise<S3TestServer> {
  const bucket = o.bucket ?? 'cairn-test';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-s3rver-'));
  const s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory: dir,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await s3.run();
  const proxy = new FaultProxy({ port }, dir);
  const proxyPort = await proxy.listen();
  const endpoint = `http://127.0.0.1:${proxyPort}`;
  const region = 'us-east-1';
  return {
    endpoint,
    direct: `http://127.0.0.1:${port}`,
    bucket,
    region,
    dir,
    proxy,
    credentials: { ...S3_CREDENTIALS },
    env: {
      AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
      AWS_REGION: region,
    },
    config: (prefix, extra = {}) => ({
      bucket,
      prefix,
      endpoint,
      region,
      pathStyle: true,
      storageClass: null,
      ...extra,
    }),
    close: async () => {
      await proxy.close();
      await s3.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
