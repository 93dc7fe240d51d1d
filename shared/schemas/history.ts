// History you can act on (issue 17): removing one backup by hand, with what it frees first.
import { z } from 'zod';
import { BackupRef, Count, Millis, PlanName, Stamp } from './common';

/** What removing one backup frees and what it would break; `refusals` non-empty means it may not go now. */
export const RemovePreview = z.object({
  planName: PlanName,
  stamp: Stamp,
  startedAt: Millis,
  /** Files and bytes that no other kept backup holds (from the catalog): what leaves the disk. */
  freedFiles: Count,
  freedBytes: Count,
  pinned: z.boolean(),
  /** The plan's newest backup. */
  newest: z.boolean(),
  /** The plan's only backup. */
  only: z.boolean(),
  /** Sentences: why it may not be removed now. */
  refusals: z.array(z.string()),
  /** Sentences: what removing it means beyond the bytes (Google Drive is not touched). */
  warnings: z.array(z.string()),
});

/** Removing needs `confirm: true`: a caller cannot remove a backup by accident. */
export const RemoveInput = BackupRef.extend({ confirm: z.literal(true) });
