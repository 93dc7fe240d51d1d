// What a user types to name a remote (`cairn remote add`, the off-site view's form), checked and normalised
// before anything is stored: an S3 bucket URL, an endpoint, a region, a storage class, an rclone REMOTE:PATH.
import fs from 'node:fs';
import path from 'node:path';
import { CairnError } from '../errors';
import type { RcloneConfig, S3Config } from './registry';

const usage = (m: string) => new CairnError('usage', m);

/** AWS's bucket naming rules, which S3-compatible stores follow: 3-63 of a-z 0-9 . -, not an IP address. */
function checkBucket(bucket: string): void {
  const why =
    bucket.length < 3 || bucket.length > 63
      ? 'it must be 3 to 63 characters long'
      : !/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket)
        ? 'use lowercase letters, digits, dots and dashes, starting and ending with a letter or digit'
        : bucket.includes('..')
          ? 'two dots may not follow each other'
          : /^\d+\.\d+\.\d+\.\d+$/.test(bucket)
            ? 'it may not look like an IP address'
            : null;
  if (why) throw usage(`"${bucket}" is not a valid bucket name: ${why}.`);
}

/** A key prefix: '' or folder names each ending in '/'; no empty, "." or ".." part. */
export function normalisePrefix(raw: string): string {
  const trimmed = raw.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return '';
  const parts = trimmed.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..'))
    throw usage(`The prefix "${raw}" has an empty, "." or ".." part; write it as folder/folder.`);
  return `${parts.join('/')}/`;
}

/** Splits `s3://BUCKET/PREFIX` into a checked bucket and a prefix that is '' or ends in '/'. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/i.exec(url.trim());
  if (!m) throw usage(`"${url}" is not an S3 address; write it as s3://BUCKET or s3://BUCKET/PREFIX.`);
  const bucket = m[1]!;
  checkBucket(bucket);
  return { bucket, prefix: normalisePrefix(m[2] ?? '') };
}

/** An endpoint URL (http or https, no credentials, query or fragment), without a trailing slash. */
export function parseEndpoint(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw usage(`"${raw}" is not a URL; give the endpoint as https://HOST[:PORT].`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw usage(`The endpoint "${raw}" must start with https:// (or http:// for a store on your network).`);
  if (u.username || u.password)
    throw usage('Keep credentials out of the endpoint URL: give --access-key-id and the secret apart.');
  if (u.search || u.hash) throw usage(`The endpoint "${raw}" may not carry a query or a fragment.`);
  return u.toString().replace(/\/+$/, '');
}

/** The S3 settings of a remote from what a user typed; region defaults to AWS_REGION or us-east-1. */
export function s3Config(o: {
  url: string;
  endpoint?: string | null;
  region?: string | null;
  pathStyle?: boolean;
  storageClass?: string | null;
  env?: NodeJS.ProcessEnv;
}): S3Config {
  const region = o.region || o.env?.AWS_REGION || o.env?.AWS_DEFAULT_REGION || 'us-east-1';
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(region))
    throw usage(`"${region}" is not a region name (such as us-east-1, eu-central-1 or auto).`);
  const storageClass = o.storageClass ? o.storageClass.toUpperCase() : null;
  if (storageClass !== null && !/^[A-Z][A-Z_]{1,31}$/.test(storageClass))
    throw usage(`"${o.storageClass}" is not a storage class (such as STANDARD, STANDARD_IA, GLACIER_IR).`);
  return {
    ...parseS3Url(o.url),
    endpoint: o.endpoint ? parseEndpoint(o.endpoint) : null,
    region,
    pathStyle: o.pathStyle === true,
    storageClass,
  };
}

/**
 * An rclone target `REMOTE:PATH` (a remote `rclone config` made, or an on-the-fly `:backend:` one) and the
 * rclone config file that names it (absolute; it must exist), or rclone's default.
 */
export function rcloneConfig(o: { target: string; configFile?: string | null; cwd?: string }): RcloneConfig {
  const t = o.target.trim();
  const m = /^(:?[\w.+@-][\w.+@ -]*?):(.*)$/.exec(t);
  if (!m || /[\r\n\0]/.test(t) || m[1]!.endsWith(' '))
    throw usage(
      `"${o.target}" does not name an rclone remote; write it as REMOTE:PATH (see \`rclone listremotes\`).`,
    );
  const remotePath = m[2]!.length > 1 ? m[2]!.replace(/\/+$/, '') : m[2]!;
  let configFile: string | null = null;
  if (o.configFile) {
    configFile = path.resolve(o.cwd ?? process.cwd(), o.configFile);
    if (!fs.existsSync(configFile)) throw usage(`The rclone config file ${configFile} does not exist.`);
  }
  return { remote: `${m[1]}:${remotePath}`, configFile };
}
