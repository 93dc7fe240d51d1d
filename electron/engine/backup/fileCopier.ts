import fs from 'node:fs';
import type { BackupCounts } from '../catalog/backups';
import { CairnError, describeError, errnoCode } from '../errors';
import { fsPath, hasRawBytes, readLink } from '../format/fsName';
import { copySqlite } from './copy';
import { copyPool, type CopyJob, type CopyOutcome, type LinkJob, type LinkOutcome } from './copyPool';
import type { LanePool } from './lanePool';
import type { ManifestEntry } from '../format/manifest';

export interface Warning {
  path: string;
  message: string;
}

/** A run's counts so far (those a finished backup records), and the path being walked. */
export interface WalkStats extends BackupCounts {
  currentPath: string;
}

/** A manifest entry for a folder or symlink from its lstat (files get theirs from the copy). */
export function statEntry(
  kind: 'd' | 'l',
  rel: string,
  st: fs.Stats,
  extra: { size?: number; target?: string } = {},
): ManifestEntry {
  return {
    kind,
    path: rel,
    size: extra.size ?? 0,
    mtimeMs: st.mtimeMs,
    mode: st.mode & 0o7777,
    sha256: null,
    target: extra.target ?? null,
    ino: inoOf(st),
    ctimeMs: st.ctimeMs,
    flags: '',
  };
}

export const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);

/** A source file's identity, to spot changes without reading it. */
export function inoOf(st: fs.Stats): string {
  return `${st.dev}:${st.ino}`;
}

/** Turns a write failure on the destination into the plain sentence the user needs. */
export function destError(e: unknown, what: string): unknown {
  const code = errnoCode(e);
  if (code && DISK_FULL.has(code)) {
    return new CairnError(
      'disk-full',
      `The backup disk is full (while writing ${what}); free some space or prune old backups, then back up again. Earlier backups are untouched.`,
    );
  }
  if (code === 'EROFS')
    return new CairnError('dest-unwritable', `The backup disk is read-only (while writing ${what}).`);
  return e;
}

/**
 * Copies changed and new files for the walk on the copy pool, hashing in the same pass; a database is
 * copied with SQLite's backup API, a file that changes while read is retried and then reported.
 */
export class FileCopier {
  private pool: LanePool<CopyJob | LinkJob, CopyOutcome | LinkOutcome> | null = null;
  private readonly copied = new BigInt64Array(new SharedArrayBuffer(8));
  private sqliteBytes = 0;

  constructor(
    private readonly o: {
      parallel?: number;
      stats: WalkStats;
      warn: (path: string, message: string) => void;
    },
  ) {}

  private threads(): LanePool<CopyJob | LinkJob, CopyOutcome | LinkOutcome> {
    return (this.pool ??= copyPool(this.o.parallel, this.copied.buffer as SharedArrayBuffer));
  }

  /**
   * Hard-links a folder's files from the previous backup into the new one, on the thread that creates that
   * folder's files, each after checking its source (LinkJob); answers the names that were not linked as
   * [index, errno code or CHANGED] pairs.
   */
  async link(job: Omit<LinkJob, 'kind'>): Promise<[number, string][]> {
    const r = (await this.threads().run({ kind: 'link', ...job }, job.to)) as LinkOutcome;
    return r.failed;
  }

  private async copyOnce(
    abs: string,
    out: string,
    st: fs.Stats | null,
    detectSqlite: boolean,
  ): Promise<CopyOutcome> {
    return (await this.threads().run(
      {
        src: abs,
        dst: out,
        mode: st ? st.mode & 0o7777 : -1,
        size: st ? st.size : -1,
        mtimeMs: st ? st.mtimeMs : -1,
        detectSqlite,
      },
      out.slice(0, out.lastIndexOf('/')),
    )) as CopyOutcome;
  }

  /**
   * Copies one file (retrying while it changes under us); null when it was skipped or is gone. `st` is the
   * walk's lstat, or null for a file the walk did not stat (the copy thread then reads its figures).
   */
  async copy(abs: string, rel: string, out: string, st: fs.Stats | null): Promise<ManifestEntry | null> {
    /** What the walk added to the run's bytes for this file. */
    const counted = st?.size ?? 0;
    let cur = st;
    for (let attempt = 1; ; attempt++) {
      // SQLite opens a database by a text path: one whose name is not UTF-8 is copied as a plain file.
      let r = await this.copyOnce(abs, out, cur, !hasRawBytes(abs));
      let sqlite = false;
      if (r.kind === 'sqlite') {
        try {
          const sst = cur ?? fs.lstatSync(fsPath(abs));
          const c = await copySqlite(abs, out, sst);
          this.sqliteBytes += c.size;
          sqlite = true;
          r = {
            kind: 'copied',
            ...c,
            mtimeMs: sst.mtimeMs,
            ctimeMs: sst.ctimeMs,
            ino: inoOf(sst),
            mode: sst.mode & 0o7777,
          };
        } catch (se) {
          fs.rmSync(fsPath(out), { force: true });
          this.o.warn(
            rel,
            `SQLite database could not be copied consistently (${describeError(se)}); copied as a plain file`,
          );
          r = await this.copyOnce(abs, out, cur, false);
        }
      }
      if (r.kind === 'error') {
        if (r.code && (DISK_FULL.has(r.code) || r.code === 'EROFS')) throw destError(r, rel);
        fs.rmSync(fsPath(out), { force: true });
        this.o.stats.files--;
        this.o.stats.bytes -= counted;
        if (r.code === 'ENOENT') return null; // deleted while we were getting to it
        this.o.warn(rel, `could not be read (${r.code ?? r.message}); skipped`);
        this.o.stats.skipped++;
        return null;
      }
      if (r.kind !== 'copied') throw new Error('unexpected copy outcome');
      if (r.changed && attempt < 3) {
        fs.rmSync(fsPath(out), { force: true });
        try {
          cur = fs.lstatSync(fsPath(abs));
        } catch {
          this.o.stats.files--;
          this.o.stats.bytes -= counted;
          return null;
        }
        continue;
      }
      if (r.changed) this.o.warn(rel, 'kept changing while it was read; the copy may be inconsistent');
      this.o.stats.newFiles++;
      this.o.stats.newBytes += r.size;
      this.o.stats.bytes += r.size - counted;
      return {
        kind: 'f',
        path: rel,
        size: r.size,
        mtimeMs: r.mtimeMs,
        mode: r.mode,
        sha256: r.sha256,
        target: null,
        ino: r.ino,
        ctimeMs: r.changed ? null : r.ctimeMs,
        flags: sqlite ? 's' : '',
      };
    }
  }

  /** Bytes written so far, inside files still copying too (a copy retried counts twice). */
  get bytesCopied(): number {
    return Number(Atomics.load(this.copied, 0)) + this.sqliteBytes;
  }

  /** Recreates a symlink (never followed) with its mtime; its target, or null when it was skipped or is gone. */
  symlink(abs: string, rel: string, out: string, st: fs.Stats): string | null {
    let target: string;
    try {
      target = readLink(abs);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return null;
      this.o.warn(rel, `symlink could not be read (${errnoCode(e) ?? describeError(e)}); skipped`);
      this.o.stats.skipped++;
      return null;
    }
    try {
      fs.symlinkSync(fsPath(target), fsPath(out));
      fs.lutimesSync(fsPath(out), st.atimeMs / 1000, st.mtimeMs / 1000);
    } catch (e) {
      throw destError(e, rel);
    }
    return target;
  }

  /** Stops the copy threads (a copy cut short leaves a partial file that the caller removes). */
  async close(): Promise<void> {
    await this.pool?.close();
  }
}
