import { z } from 'zod';
import { BackupRef, Count, Millis, PathWarning, PlanName, Stamp } from './common';

export const BackupStatus = z.enum(['complete', 'warnings', 'failed']);

/** One run of a plan; failed runs hold no files and are listed only when asked for. */
export const Backup = z.object({
  id: z.number().int(),
  planId: z.number().int(),
  planName: PlanName,
  stamp: Stamp,
  status: BackupStatus,
  startedAt: Millis,
  finishedAt: Millis,
  files: Count,
  dirs: Count,
  symlinks: Count,
  bytes: Count,
  newFiles: Count,
  newBytes: Count,
  linkedFiles: Count,
  skipped: Count,
  warnings: Count,
  note: z.string().nullable(),
  pinned: z.boolean(),
  /** The copy an in-place restore made of what it replaced ("before restore of …"), not a regular backup. */
  safety: z.boolean(),
  error: z.string().nullable(),
  verifiedAt: Millis.nullable(),
  verifyResult: z.string().nullable(),
});

export const BackupListInput = z.strictObject({
  plan: PlanName.optional(),
  includeFailed: z.boolean().optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
  offset: Count.optional(),
});

/** A page of backups; `onDrive` says whether each is on Google Drive (null: the plan does not use Drive). */
export const BackupList = z.object({
  backups: z.array(Backup.extend({ onDrive: z.boolean().nullable() })),
  total: Count,
});

export const BackupDetail = z.object({
  backup: Backup,
  /** The source labels: the top-level folders of the backup. */
  sources: z.array(z.object({ label: z.string(), path: z.string() })),
  /** The folder on disk, browsable with any file manager. */
  folder: z.string(),
  warnings: z.array(PathWarning),
});

export const EntryKind = z.enum(['file', 'dir', 'symlink']);

/** One entry of a folder of a backup, from the catalog. */
export const Entry = z.object({
  /** The name's bytes that are not UTF-8 are lone surrogates U+DC80..U+DCFF (pass it back as it is). */
  name: z.string(),
  /** The name for people: such bytes as \xHH, tab, newline and other control characters escaped. */
  display: z.string(),
  /** Relative to the backup's root, starting with the source label, "/"-separated. */
  path: z.string(),
  kind: EntryKind,
  size: Count,
  mtimeMs: z.number(),
  mode: Count,
  sha256: z.string().nullable(),
  target: z.string().nullable(),
  displayTarget: z.string().nullable(),
});

/** One page of a folder ('' is the top: the source labels), sorted by name. */
export const FolderListInput = BackupRef.extend({
  path: z.string(),
  offset: Count.optional(),
  limit: z.number().int().min(1).max(5000).optional(),
});

export const FolderPage = z.object({
  path: z.string(),
  entries: z.array(Entry),
  total: Count,
  offset: Count,
  nextOffset: Count.nullable(),
});

/** A name (or a part of a path when it contains "/") searched across every backup of a plan or all plans. */
export const SearchInput = z.strictObject({
  query: z.string().min(1).max(1000),
  plan: PlanName.optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});

/** A version of a file: the same content from its first to its last backup. */
export const FileVersion = z.object({
  kind: EntryKind,
  size: Count,
  mtimeMs: z.number(),
  sha256: z.string().nullable(),
  firstStamp: Stamp,
  /** The newest backup that holds this version: restore it from there. */
  lastStamp: Stamp,
  /** How many kept backups hold it. */
  backups: Count,
});

export const SearchResults = z.object({
  results: z.array(
    z.object({
      planName: PlanName,
      path: z.string(),
      /** The path for people (see Entry.display). */
      displayPath: z.string(),
      versions: z.array(FileVersion),
    }),
  ),
  /** True when more paths matched than `limit`. */
  truncated: z.boolean(),
  elapsedMs: Count,
});

export const PinInput = BackupRef.extend({ note: z.string().max(500).optional() });
