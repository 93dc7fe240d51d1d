// What every benchmark section shares: flags, corpus, the temp folder, and how to run the real CLI.
import fs from 'node:fs';
import path from 'node:path';
import type { BenchArgs } from './args';
import type { Corpus } from './corpus';
import { run, syncAll, type Cmd, type Sample } from './measure';
import type { Row } from './results';

export interface BenchContext {
  args: BenchArgs;
  corpus: Corpus;
  /** The temporary folder everything goes in. */
  tmp: string;
  /** bin/cairn.mjs of this checkout. */
  cli: string;
  rows: Row[];
  notes: string[];
  /** restic's version when it is there to time beside Cairn (backup rows), else null. */
  restic: string | null;
  log(s: string): void;
}

/** The real `cairn` command with its own data directory (startup included in every timing). */
export function cairnCmd(ctx: BenchContext, dataDir: string, ...args: string[]): Cmd {
  return {
    argv: [process.execPath, ctx.cli, ...args],
    env: { ...process.env, CAIRN_DATA_DIR: dataDir },
  };
}

/** `cairn plan add` retention flags with every rule off but keep-last: keep-last 0 keeps every backup. */
export function keepLast(n: number): string[] {
  return ['last', 'daily', 'weekly', 'monthly', 'yearly', 'within', 'noted'].flatMap((k) => [
    `--keep-${k}`,
    k === 'last' ? String(n) : '0',
  ]);
}

/** Runs a command untimed (setup), failing loudly when it fails. */
export async function setup(cmd: Cmd, okCodes?: number[]): Promise<void> {
  await run(cmd, okCodes);
}

/** Flushes dirty pages first (untimed), then times one run. */
export async function timed(cmd: Cmd, okCodes?: number[]): Promise<Sample> {
  await syncAll();
  return run(cmd, okCodes);
}

/** A path under the temp folder. */
export function tmpPath(ctx: BenchContext, ...parts: string[]): string {
  return path.join(ctx.tmp, ...parts);
}

/** Removes a tree (untimed) and flushes, so its deletion does not land in the next timing. */
export async function remove(...paths: string[]): Promise<void> {
  for (const p of paths) fs.rmSync(p, { recursive: true, force: true });
  await syncAll();
}
