// restic, the peer of the backup rows (issue #19): found on PATH, or installed with apt when the bench is
// root; without it the rows are left out and the table's notes say why.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { Cmd } from './measure';

/** Runs a command to completion: its exit status (null when it could not start) and stdout. */
export type Runner = (argv: string[]) => { status: number | null; stdout: string };

export type ResticFound = { version: string } | { missing: string };

/** The version in `restic version` output ("restic 0.14.0 compiled with go1.19.8 on linux/amd64"). */
export function resticVersion(out: string): string | null {
  return /^restic (\d+\.\d+\.\d+\S*)/m.exec(out)?.[1] ?? null;
}

/**
 * restic's version, installing it first with `apt-get install -y restic` when it is missing and `root`
 * (with `apt-get update` and a second try when the first install fails).
 */
export function findRestic(run: Runner, root: boolean): ResticFound {
  const probe = () => resticVersion(run(['restic', 'version']).stdout);
  const found = probe();
  if (found) return { version: found };
  if (!root)
    return {
      missing: 'restic is not installed and the bench is not root (apt-get install -y restic adds it)',
    };
  const install = ['apt-get', 'install', '-y', 'restic'];
  if (run(install).status !== 0) {
    run(['apt-get', 'update']);
    run(install);
  }
  const installed = probe();
  return installed
    ? { version: installed }
    : { missing: 'restic is not installed and `apt-get install -y restic` failed' };
}

/** The runner findRestic uses: a real process, quiet, non-interactive apt. */
export const spawnRunner: Runner = (argv) => {
  const r = spawnSync(argv[0]!, argv.slice(1), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return { status: r.error ? null : r.status, stdout: r.stdout ?? '' };
};

const PASSWORD = 'cairn-bench';

/** A `restic` command on a repository, with the bench's password and a cache under `cache`. */
export function resticCmd(repo: string, cache: string, ...args: string[]): Cmd {
  return {
    argv: ['restic', '-r', repo, ...args],
    env: { ...process.env, RESTIC_PASSWORD: PASSWORD, RESTIC_CACHE_DIR: cache },
  };
}

/** `restic backup -q src` into repo. */
export function resticBackup(repo: string, cache: string, src: string): Cmd {
  return resticCmd(repo, cache, 'backup', '-q', src);
}

/** `restic init -q` of a fresh repository (the folder must not exist yet). */
export function resticInit(repo: string, cache: string): Cmd {
  if (fs.existsSync(repo)) throw new Error(`restic: ${repo} exists already`);
  return resticCmd(repo, cache, 'init', '-q');
}
