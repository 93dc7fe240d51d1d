import fs from 'node:fs';
import type { Db } from '../../catalog/db';
import { describeError } from '../../errors';
import { verifyBackups, verifyTargets } from '../../verify/run';
import { readSettings } from './settingsStore';

/** The weekly verify of each plan's newest backup (on disks that are there); results go to the catalog. */
export async function weeklyVerify(db: Db, now: () => number, log: (line: string) => void): Promise<void> {
  try {
    const targets = verifyTargets(db, {}).filter((t) => fs.existsSync(t.plan.dest));
    if (targets.length === 0) return;
    const sample = readSettings(db).verify.samplePercent;
    const r = await verifyBackups(db, targets, {
      sample: sample < 100 ? sample : undefined,
      now,
      actor: 'schedule',
    });
    for (const x of r.results) log(`Weekly verify of ${x.planName}/${x.stamp}: ${x.result}.`);
  } catch (e) {
    log(`The weekly verify did not finish: ${describeError(e)}`);
  }
}
