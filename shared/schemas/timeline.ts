import { z } from 'zod';
import { Count, PlanName, Stamp } from './common';
import { EntryKind } from './backups';

/** A file's path inside a plan's backups: it starts with the source label, "/"-separated. */
const BackupPath = z.string().min(1).max(4096);

export const FileTimelineInput = z.strictObject({ plan: PlanName, path: BackupPath });

/** One version of a path in the timeline: the same entry from its first to its last kept backup. */
export const TimelineVersion = z.object({
  kind: EntryKind,
  size: Count,
  mtimeMs: z.number(),
  sha256: z.string().nullable(),
  /** A symlink's target (as Entry.target). */
  target: z.string().nullable(),
  /**
   * Against the version before it (older): 'first' when there is none, 'changed' when the content (or the
   * kind, or a symlink's target) differs, 'same' when only the date or the mode changed.
   */
  change: z.enum(['first', 'changed', 'same']),
  /** Kept backups between the version before and this one that did not hold the path (it was gone). */
  absentBefore: Count,
  /** The kept backups that hold this version, newest first. */
  stamps: z.array(Stamp).min(1),
});

/** Every version of one path across the kept backups of a plan, newest first. */
export const FileTimeline = z.object({
  plan: PlanName,
  path: z.string(),
  /** The path for people (see Entry.display). */
  displayPath: z.string(),
  versions: z.array(TimelineVersion),
  elapsedMs: Count,
});

/** Text is read up to maxBytes (default 256 KiB); images are read whole up to 4 MiB. */
export const FileReadInput = z.strictObject({
  plan: PlanName,
  stamp: Stamp,
  path: BackupPath,
  maxBytes: z
    .number()
    .int()
    .min(1)
    .max(4 << 20)
    .optional(),
});

export const ImageType = z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** A file of a backup, read from its folder on disk, for a preview or a diff. */
export const FileContent = z.object({
  plan: PlanName,
  stamp: Stamp,
  path: z.string(),
  /** Where the file is on disk (inside the backup's folder). */
  file: z.string(),
  size: Count,
  /** text: valid UTF-8 without NUL; image: PNG, JPEG, GIF or WebP by its first bytes; binary: anything else. */
  type: z.enum(['text', 'image', 'binary']),
  /** The text read (type text), possibly cut at `maxBytes`. */
  text: z.string().nullable(),
  /** The image, base64 (type image); null when it is larger than 4 MiB. */
  base64: z.string().nullable(),
  mime: ImageType.nullable(),
  /** True when not all of the file is in `text` or `base64`. */
  truncated: z.boolean(),
});

/** `GET /api/download?plan=&stamp=&path=&token=` under `cairn serve`: a file of a backup as an attachment. */
export const DownloadQuery = z.strictObject({ plan: PlanName, stamp: Stamp, path: BackupPath });
