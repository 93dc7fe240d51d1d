import { z } from 'zod';
import { Count, Millis, Stamp } from './common';

export const DbKind = z.enum(['postgres', 'sqlite']);
/** custom: pg_dump -Fc; sql.gz: plain SQL, gzipped; backup: SQLite online backup API; vacuum: VACUUM INTO. */
export const DbFormat = z.enum(['custom', 'sql.gz', 'backup', 'vacuum']);

/** One dump (PostgreSQL) or snapshot (SQLite) attempt, made for the backup with this stamp. */
export const DbDump = z.object({
  stamp: Stamp,
  at: Millis,
  ok: z.boolean(),
  /** The dump's file name inside the backup; null when the attempt failed. */
  file: z.string().nullable(),
  bytes: Count.nullable(),
  durationMs: Count,
  /** Why the attempt failed (null when it worked). */
  message: z.string().nullable(),
});

/** One test restore of a source's dump (`cairn verify --restore-test`). */
export const DbRestoreTest = z.object({
  stamp: Stamp,
  at: Millis,
  ok: z.boolean(),
  detail: z.string(),
  durationMs: Count,
});

/** A database source of a plan as people see it: where it is, its last dump, its last test restore. */
export const DbSourceView = z.object({
  id: z.number().int(),
  planId: z.number().int(),
  label: z.string(),
  kind: DbKind,
  /** PostgreSQL: the connection URL without its password. SQLite: the database file's absolute path. */
  location: z.string(),
  format: DbFormat,
  createdAt: Millis,
  lastDump: DbDump.nullable(),
  /** The newest good dump in a kept backup: its size is the source's size. */
  lastGoodDump: DbDump.nullable(),
  lastRestoreTest: DbRestoreTest.nullable(),
});
