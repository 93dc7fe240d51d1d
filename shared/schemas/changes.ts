import { z } from 'zod';
import { BackupRef, Count, Millis, Stamp } from './common';
import { EntryKind } from './backups';

export const ChangeKind = z.enum(['added', 'changed', 'removed']);

/** How many files (and links) and how many bytes: the size now for added and changed, before for removed. */
export const ChangeTally = z.object({ count: Count, bytes: Count });
export const ChangeTallies = z.object({ added: ChangeTally, changed: ChangeTally, removed: ChangeTally });

/**
 * What changed from an older kept backup (`against`; absent: the one just before) to a backup, one folder
 * at a time ('' is the top: the source labels), filtered by kind of change and by a part of the name.
 */
export const BackupChangesInput = BackupRef.extend({
  against: Stamp.optional(),
  path: z.string().optional(),
  change: ChangeKind.optional(),
  query: z.string().max(1000).optional(),
  offset: Count.optional(),
  limit: z.number().int().min(1).max(5000).optional(),
});

/** One side of a change: the version a backup holds at that path. */
export const ChangeSide = z.object({ kind: EntryKind, size: Count });

/** A child of the folder: a change itself, or a folder holding changes (change null). */
export const ChangeEntry = z.object({
  name: z.string(),
  /** The name for people (see Entry.display). */
  display: z.string(),
  path: z.string(),
  kind: EntryKind,
  change: ChangeKind.nullable(),
  before: ChangeSide.nullable(),
  after: ChangeSide.nullable(),
  /** Folders: what changed below, after the filter. */
  below: ChangeTallies.nullable(),
});

export const ComparedBackup = z.object({ stamp: Stamp, startedAt: Millis, files: Count, bytes: Count });

export const BackupChanges = z.object({
  newer: ComparedBackup,
  /** Null when the newer is the plan's first kept backup: everything in it is added. */
  older: ComparedBackup.nullable(),
  /** The whole comparison, unfiltered. */
  summary: ChangeTallies,
  path: z.string(),
  entries: z.array(ChangeEntry),
  total: Count,
  offset: Count,
  nextOffset: Count.nullable(),
  elapsedMs: Count,
});
