import fs from 'node:fs';
import { z } from 'zod';
import { planLayout } from '../format/layout';
import { listBackups, type BackupStatus } from './backups';
import type { Db } from './db';
import type { Plan } from './plans';

/**
 * What the catalog knows about a plan's backups beyond their manifests (pins, notes, warnings), kept beside
 * them in .cairn/backups.json so that `cairn import` gives back the same list after the data folder is lost.
 */
const IndexSchema = z.object({
  version: z.literal(1),
  backups: z.array(
    z.object({
      stamp: z.string(),
      status: z.enum(['complete', 'warnings', 'failed']),
      pinned: z.boolean(),
      note: z.string().nullable(),
      /** Absent in indexes written before Cairn knew backups made by hand. */
      manual: z.boolean().optional(),
      warnings: z.number().int().nonnegative(),
      skipped: z.number().int().nonnegative(),
    }),
  ),
});

export type BackupIndexEntry = z.infer<typeof IndexSchema>['backups'][number];

function indexFile(plan: Pick<Plan, 'dest' | 'name'>): string {
  return `${planLayout(plan.dest, plan.name).meta}/backups.json`;
}

/** Rewrites .cairn/backups.json from the catalog (atomically); best effort, as the catalog stays the truth. */
export function writeBackupIndex(db: Db, plan: Plan): void {
  const backups = listBackups(db, { planId: plan.id })
    .reverse()
    .map((b) => ({
      stamp: b.stamp,
      status: b.status as BackupStatus,
      pinned: b.pinned,
      note: b.note,
      manual: b.manual,
      warnings: b.warnings,
      skipped: b.skipped,
    }));
  const file = indexFile(plan);
  try {
    fs.mkdirSync(planLayout(plan.dest, plan.name).meta, { recursive: true });
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ version: 1, backups }, null, 1) + '\n');
    fs.renameSync(`${file}.tmp`, file);
  } catch {
    // The destination may be unplugged; the next write brings it up to date.
  }
}

/** Reads .cairn/backups.json, by stamp; empty when it is absent or unreadable. */
export function readBackupIndex(plan: Pick<Plan, 'dest' | 'name'>): Map<string, BackupIndexEntry> {
  try {
    const parsed = IndexSchema.parse(JSON.parse(fs.readFileSync(indexFile(plan), 'utf8')));
    return new Map(parsed.backups.map((b) => [b.stamp, b]));
  } catch {
    return new Map();
  }
}
