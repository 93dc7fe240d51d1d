import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DbFormat, DbKind } from '../../../shared/schemas/dbsources';
import { importBackup } from './importBackup';
import { manifestStamps, planLayout, stampsOnDisk } from '../format/layout';
import type { Admit } from './lock';
import { ManifestReader } from '../format/manifest';
import { readBackupIndex, writeBackupIndex } from '../catalog/backupIndex';
import { logActivity } from '../catalog/activity';
import { listBackups, restoreBackupMeta } from '../catalog/backups';
import type { Db } from '../catalog/db';
import { checkPlanName, DEFAULT_RETENTION, findPlan, insertPlan, type Plan } from '../catalog/plans';
import { insertDbSource, listDbSources } from '../dbsource/store';
import { CairnError, describeError } from '../errors';

const PlanFile = z.object({
  schedule: z.string().optional(),
  keepLast: z.number().int().nonnegative().optional(),
  keepDaily: z.number().int().nonnegative().optional(),
  keepWeekly: z.number().int().nonnegative().optional(),
  keepMonthly: z.number().int().nonnegative().optional(),
  keepYearly: z.number().int().nonnegative().optional(),
  keepWithinHours: z.number().int().nonnegative().optional(),
  keepNotedDays: z.number().int().nonnegative().optional(),
  autoPrune: z.boolean().optional(),
  staleHours: z.number().int().nonnegative().optional(),
  sources: z.array(z.object({ label: z.string(), path: z.string() })).min(1),
  excludes: z.array(z.string()).optional(),
  databases: z
    .array(
      z.object({
        label: z.string(),
        kind: DbKind,
        location: z.string(),
        format: DbFormat,
      }),
    )
    .optional(),
});

export interface ImportedPlan {
  planName: string;
  created: boolean;
  imported: string[];
  /** Backup folders left out, with why. */
  skipped: { stamp: string; reason: string }[];
  /** What the user should know or do next. */
  notes: string[];
}

/** Plan folders under a destination: those holding .cairn/manifests. */
export function planFolders(dest: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dest);
  } catch {
    throw new CairnError('dest-missing', `The folder ${dest} is not there; is the backup disk plugged in?`);
  }
  return names.filter((n) => fs.existsSync(path.join(dest, n, '.cairn', 'manifests'))).sort();
}

async function settingsFor(dest: string, name: string): Promise<z.infer<typeof PlanFile>> {
  const layout = planLayout(dest, name);
  try {
    return PlanFile.parse(JSON.parse(fs.readFileSync(path.join(layout.meta, 'plan.json'), 'utf8')));
  } catch {
    // No readable plan.json (an older Cairn wrote these backups): the newest manifest names the sources.
    const stamp = manifestStamps(layout).at(-1);
    if (!stamp) throw new CairnError('corrupt', `${layout.root} holds no manifest to import.`);
    const r = await ManifestReader.open(layout.manifestFile(stamp));
    r.close();
    return { sources: r.header.sources };
  }
}

function createImportedPlan(
  db: Db,
  dest: string,
  name: string,
  s: z.infer<typeof PlanFile>,
  now: number,
): Plan {
  checkPlanName(name);
  const { databases = [], ...settings } = s;
  const plan = insertPlan(
    db,
    {
      ...DEFAULT_RETENTION,
      ...settings,
      name,
      dest,
      sources: s.sources.map((x) => x.path),
      excludes: s.excludes ?? [],
    },
    now,
  );
  // insertPlan labels sources from their paths; keep the labels the backups were made with.
  const relabel = db.prepare('UPDATE sources SET label = ? WHERE plan_id = ? AND position = ?');
  db.transaction(() => s.sources.forEach((_src, i) => relabel.run(`\0tmp${i}`, plan.id, i)))();
  db.transaction(() => s.sources.forEach((src, i) => relabel.run(src.label, plan.id, i)))();
  // Database sources come back too (their passwords were never on the backup disk: see the import note).
  db.transaction(() => {
    for (const d of databases)
      insertDbSource(
        db,
        { planId: plan.id, ...d },
        now,
        s.sources.map((x) => x.label),
      );
  })();
  return findPlan(db, name)!;
}

/**
 * Rebuilds the catalog from a destination after the data folder is lost: creates each plan found there
 * from its .cairn/plan.json (or its manifests), then records every backup folder from its manifest, oldest
 * first, with the pins and notes .cairn/backups.json remembers. Backups the catalog already has are kept.
 */
export async function importDestination(
  db: Db,
  destArg: string,
  now: () => number,
  actor: string,
  admit?: Admit,
): Promise<ImportedPlan[]> {
  let dest = path.resolve(destArg);
  const out: ImportedPlan[] = [];
  let names: string[];
  if (fs.existsSync(path.join(dest, '.cairn', 'manifests'))) {
    // The user named one plan's folder rather than the destination holding it: import that plan.
    names = [path.basename(dest)];
    dest = path.dirname(dest);
  } else names = planFolders(dest);
  if (names.length === 0)
    throw new CairnError(
      'not-found',
      `${dest} holds no Cairn backups (no folder with .cairn/manifests); name the folder you gave as --dest.`,
    );
  for (const name of names) {
    let plan = findPlan(db, name);
    const created = !plan;
    if (plan && path.resolve(plan.dest) !== dest) {
      out.push({
        planName: name,
        created: false,
        imported: [],
        skipped: [{ stamp: '*', reason: `plan ${name} already exists with destination ${plan.dest}` }],
        notes: [],
      });
      continue;
    }
    try {
      plan ??= createImportedPlan(db, dest, name, await settingsFor(dest, name), now());
    } catch (e) {
      out.push({
        planName: name,
        created: false,
        imported: [],
        skipped: [{ stamp: '*', reason: describeError(e) }],
        notes: [],
      });
      continue;
    }
    const layout = planLayout(dest, name);
    // Imported as an admitted job (app/jobs.ts): nothing else runs on the plan meanwhile.
    const release = admit?.('import', { dest, name }) ?? (() => undefined);
    const result: ImportedPlan = { planName: name, created, imported: [], skipped: [], notes: [] };
    try {
      const known = new Set(listBackups(db, { planId: plan.id }).map((b) => b.stamp));
      const folders = new Set(stampsOnDisk(layout));
      const index = readBackupIndex(plan);
      for (const stamp of manifestStamps(layout)) {
        if (known.has(stamp)) continue;
        if (!folders.has(stamp)) {
          result.skipped.push({ stamp, reason: 'its folder is missing' });
          continue;
        }
        try {
          const rec = await importBackup(db, plan, layout, stamp, now());
          const meta = index.get(stamp);
          restoreBackupMeta(
            db,
            rec.id,
            meta ?? { status: 'complete', pinned: false, note: null, warnings: 0, skipped: 0 },
          );
          result.imported.push(stamp);
        } catch (e) {
          result.skipped.push({ stamp, reason: describeError(e) });
        }
      }
      writeBackupIndex(db, plan);
    } finally {
      release();
    }
    const postgres = listDbSources(db, plan.id).filter((d) => d.kind === 'postgres');
    if (created && postgres.length)
      result.notes.push(
        `Database source(s) ${postgres.map((d) => d.label).join(', ')} came back without their passwords ` +
          `(never kept on the backup disk); set them with: cairn dbsource password ${name} LABEL`,
      );
    logActivity(db, {
      at: now(),
      planId: plan.id,
      kind: 'import',
      level: result.skipped.length ? 'warning' : 'info',
      actor,
      message: `Imported ${result.imported.length} backup(s) of ${name} from ${dest}${created ? ' (plan created)' : ''}`,
      details: { skipped: result.skipped },
    });
    out.push(result);
  }
  return out;
}
