// Hashing throughput over the large files: sha256sum against Cairn's own read-and-hash path (copy.ts).
import fs from 'node:fs';
import { hashFile } from '../../electron/engine/format/hash';
import { cairnCmd, remove, setup, timed, tmpPath, type BenchContext } from './context';
import type { Sample } from './measure';
import { row } from './results';

export const HASH_WORKER_FLAG = '--hash-worker';

/** The worker side: hashes each file in turn with copy.ts's hashFile, as `sha256sum` does, and prints. */
export async function hashWorker(files: string[]): Promise<void> {
  for (const f of files) {
    const { sha256 } = await hashFile(f);
    process.stdout.write(`${sha256}  ${f}\n`);
  }
}

/**
 * Times sha256sum and Cairn's hashFile (in a fresh Node process, so startup counts as it does for
 * sha256sum) over the same large files, then Cairn's CLI backing up the large files alone (read, hash,
 * write, fsync) against rsync -a of the same folder.
 */
export async function hashBench(ctx: BenchContext, benchScript: string): Promise<void> {
  const { corpus: c, args } = ctx;
  if (c.largeFiles.length === 0) {
    ctx.notes.push('hash: skipped, the corpus has no large files (--large 0).');
    return;
  }
  const size = { bytes: c.largeBytes, files: c.largeFiles.length };
  const worker = { argv: [process.execPath, benchScript, HASH_WORKER_FLAG, ...c.largeFiles] };
  await setup({ argv: ['sha256sum', ...c.largeFiles] }); // warm
  const hash: Record<string, Sample[]> = {
    'cairn (copy.ts hashFile)': [],
    sha256sum: [],
    'openssl dgst -sha256': [],
  };
  for (let i = 0; i < args.runs; i++) {
    ctx.log(`hashing, run ${i + 1} of ${args.runs}`);
    hash['cairn (copy.ts hashFile)']!.push(await timed(worker));
    hash.sha256sum!.push(await timed({ argv: ['sha256sum', ...c.largeFiles] }));
    hash['openssl dgst -sha256']!.push(
      await timed({ argv: ['openssl', 'dgst', '-sha256', ...c.largeFiles] }),
    );
  }
  for (const [tool, s] of Object.entries(hash)) ctx.rows.push(row('hash', 'hash large files', tool, s, size));

  const copy: Record<string, Sample[]> = { 'cairn backup': [], 'rsync -a': [] };
  for (let i = 0; i < args.runs; i++) {
    ctx.log(`backing up the large files alone, run ${i + 1} of ${args.runs}`);
    const dataDir = tmpPath(ctx, `data-large-${i}`);
    const dest = tmpPath(ctx, 'dest', `cairn-large-${i}`);
    fs.mkdirSync(dest, { recursive: true });
    await setup(
      cairnCmd(
        ctx,
        dataDir,
        'plan',
        'add',
        'large',
        '--source',
        c.large,
        '--dest',
        dest,
        '--no-default-excludes',
      ),
    );
    copy['cairn backup']!.push(await timed(cairnCmd(ctx, dataDir, 'backup', 'large')));
    const rs = tmpPath(ctx, 'dest', `rsync-large-${i}`);
    copy['rsync -a']!.push(await timed({ argv: ['rsync', '-a', `${c.large}/`, `${rs}/`] }));
    await remove(dataDir, dest, rs);
  }
  for (const [tool, s] of Object.entries(copy))
    ctx.rows.push(row('hash', 'copy+hash large files', tool, s, size, 'Cairn also fsyncs; rsync does not'));
}
