import crypto from 'node:crypto';
import fs from 'node:fs';
import { pipeline, Transform, type Readable } from 'node:stream';
import { CairnError } from '../errors';
import { DriveError, errorDetails } from './errors';
import { backoffDelay, type BackoffPolicy, type Clock } from './pacing';
import type { DriveRemote, DriveStats } from './types';

/** `body` with each chunk counted in `stats.bytesDownloaded` as the caller reads it. */
export function countDownloaded(body: Readable, stats: DriveStats): Readable {
  // Count through a Transform: a 'data' listener would start the flow before the caller reads.
  const counted = new Transform({
    transform(c: Buffer, _enc, done) {
      stats.bytesDownloaded += c.length;
      done(null, c);
    },
  });
  pipeline(body, counted, () => undefined);
  return counted;
}

/**
 * Downloads a file to `dest` (DriveRemote.downloadTo), resuming with a Range request where a dropped
 * connection stopped, and checks the MD5: the caller's, else the one the store gives, when one is known.
 * A damaged download is removed rather than left looking whole.
 */
export async function downloadTo(
  ctx: {
    remote: Pick<DriveRemote, 'download' | 'get'>;
    clock: Clock;
    backoff: BackoffPolicy;
    /** The store, for messages (default "Google Drive"). */
    store?: string;
  },
  fileId: string,
  dest: string,
  o: { md5?: string; signal?: AbortSignal },
): Promise<number> {
  const md5 = o.md5 ?? (await ctx.remote.get(fileId)).md5Checksum;
  const signal = o.signal;
  const fh = await fs.promises.open(dest, 'w');
  const hash = crypto.createHash('md5');
  const store = ctx.store ?? 'Google Drive';
  let written = 0;
  let ok = false;
  try {
    for (let attempt = 0; attempt < ctx.backoff.maxAttempts; attempt++) {
      try {
        const stream = await ctx.remote.download(fileId, { start: written, signal });
        for await (const c of stream as AsyncIterable<Buffer>) {
          await fh.write(c);
          hash.update(c);
          written += c.length;
        }
        break;
      } catch (e) {
        // Failures before the stream started were already retried by the remote; these are mid-stream.
        if (e instanceof CairnError || !errorDetails(e).network || attempt + 1 >= ctx.backoff.maxAttempts) {
          throw e instanceof CairnError
            ? e
            : new DriveError(
                'drive',
                `Could not download ${fileId} from ${store} (${errorDetails(e).message}).`,
                'network',
              );
        }
        await ctx.clock.sleep(backoffDelay(attempt, ctx.backoff), signal);
      }
    }
    await fh.sync();
    const got = hash.digest('hex');
    if (md5 && got !== md5) {
      throw new DriveError(
        'corrupt',
        `The download of ${fileId} does not match the MD5 ${store} gave; try again.`,
        'checksum',
      );
    }
    ok = true;
    return written;
  } finally {
    await fh.close();
    if (!ok) await fs.promises.rm(dest, { force: true });
  }
}
