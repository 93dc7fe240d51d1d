import { z } from 'zod';

/** A plan's name: it becomes a folder name under the destination. */
export const PlanName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use letters, digits, dot, dash or underscore');

/** A backup's stamp, its folder name: local start time "YYYY-MM-DD_HHMMSS". */
export const Stamp = z.string().regex(/^\d{4}-\d{2}-\d{2}_\d{6}$/, 'a stamp looks like 2026-11-23_020000');

/** A moment as milliseconds since the epoch (UTC). */
export const Millis = z.number().int();

/** A count of files, bytes, hours...: a whole number of 0 or more. */
export const Count = z.number().int().min(0);

/**
 * A folder or file path as given to the service: absolute ("/home/ana/Photos", or "C:\\Users\\ana" on
 * Windows), never resolved against the server's working folder.
 */
export const AbsolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), {
    message: 'give the full path of the folder, starting with /',
  });

/** The empty input of methods that take nothing. */
export const NoInput = z.strictObject({});

/** A plan and one of its backups; `latest` means the newest good one. */
export const BackupRef = z.strictObject({ plan: PlanName, stamp: z.union([Stamp, z.literal('latest')]) });

/** A warning about one path (a skipped or unreadable file). */
export const PathWarning = z.object({ path: z.string(), message: z.string() });
