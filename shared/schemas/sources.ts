// Set-up without a terminal (issue 17, item 4): database sources added, removed and test-restored from the
// UI as `cairn dbsource add/remove/test` do, and the folder browser `cairn serve` offers as its folder picker.
import { z } from 'zod';
import { AbsolutePath, Count, PlanName, Stamp } from './common';
import { DbFormat, DbKind, DbSourceView } from './dbsources';

const Label = z.string().min(1).max(64).optional();
/** A password given once: it goes to the secret store, never to the catalog or a log. */
const Password = z.string().min(1).max(1024).optional();

/**
 * A PostgreSQL database: a connection string (postgresql://USER@HOST:PORT/DATABASE; a password in it moves to
 * the secret store) or the server's host, port, database and user; the password apart or not at all.
 */
export const PostgresSourceInput = z.strictObject({
  plan: PlanName,
  kind: z.literal('postgres'),
  url: z.string().min(1).max(2048).optional(),
  host: z.string().min(1).max(255).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  database: z.string().min(1).max(63).optional(),
  user: z.string().min(1).max(63).optional(),
  password: Password,
  label: Label,
  format: DbFormat.optional(),
});

/** A SQLite database file, snapshotted with SQLite's online backup API (or VACUUM INTO). */
export const SqliteSourceInput = z.strictObject({
  plan: PlanName,
  kind: z.literal('sqlite'),
  file: AbsolutePath,
  label: Label,
  format: DbFormat.optional(),
});

export const DbSourceAddInput = z.discriminatedUnion('kind', [PostgresSourceInput, SqliteSourceInput]);

export const DbSourceAddResult = z.object({
  source: DbSourceView,
  /** Null when the server answered (or for a SQLite file); else why it did not. The source is kept anyway. */
  connection: z.string().nullable(),
});

export const DbSourceRef = z.strictObject({ plan: PlanName, label: z.string().min(1).max(64) });

/** Test-restore one source of a plan (`label`), or all of them, from the newest good backup. */
export const DbSourceTestInput = z.strictObject({
  plan: PlanName,
  label: z.string().min(1).max(64).optional(),
});

export const DbSourceTestResult = z.object({
  results: z.array(
    z.object({
      planName: PlanName,
      stamp: Stamp.nullable(),
      label: z.string(),
      kind: DbKind,
      ok: z.boolean(),
      detail: z.string(),
      durationMs: z.number().min(0),
    }),
  ),
  /** 0 every test restore passed, 1 one failed, 2 nothing to test (as `cairn dbsource test`). */
  exitCode: Count,
});

/** A folder to list (the user's home when absent), hidden folders (".name") only on request. */
export const FolderBrowseInput = z.strictObject({
  path: AbsolutePath.optional(),
  hidden: z.boolean().optional(),
});

/** One folder: its name and its full path (symbolic links to folders included). */
export const FolderItem = z.object({ name: z.string(), path: z.string() });

export const FolderBrowseResult = z.object({
  /** The folder listed, absolute and normalised. */
  path: z.string(),
  /** Its parent, or null at a root. */
  parent: z.string().nullable(),
  home: z.string(),
  /** The file system roots: "/" (or the drive letters on Windows). */
  roots: z.array(z.string()),
  folders: z.array(FolderItem),
  /** True when the folder held more folders than the list (the first ones by name are listed). */
  truncated: z.boolean(),
});
