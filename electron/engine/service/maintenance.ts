import fs from 'node:fs';
import { logActivity } from '../catalog/activity';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import { driveSettings } from '../drive/pack/settings';
import { DRIVE_TOKENS_KEY } from '../drive/secrets';
import { describeError } from '../errors';
import { prunePlan } from '../retention/prune';
import { verifyBackups, verifyTargets } from '../verify/run';
import type { CairnService } from './service';
import { readSettings } from './settingsStore';

/**
 * After a good backup: retention when the plan asks for it (deleting exactly what its preview shows), then
 * a push to Drive when Drive is linked and auto-push is on. Neither failure fails the backup.
 */
export async function afterBackup(
  o: { service: CairnService; db: Db; log: (line: string) => void },
  plan: Plan,
  actor: string,
): Promise<void> {
  const { db } = o;
  const now = o.service.ctx.now;
  if (plan.autoPrune) {
    try {
      const r = prunePlan(db, plan, { now: now(), actor, timeZone: readSettings(db).timezone });
      if (r.pruned.length)
        o.log(`Pruned ${r.pruned.length} backup(s) of ${plan.name}: ${r.pruned.join(', ')}.`);
    } catch (e) {
      const message = `Automatic prune of ${plan.name} did not run: ${describeError(e)}`;
      o.log(message);
      logActivity(db, { at: now(), planId: plan.id, kind: 'prune', level: 'warning', actor, message });
    }
  }
  const drive = o.service.ctx.drive;
  if (!drive || !driveSettings(db).autoPush) return;
  const linked =
    (drive.env ?? process.env).CAIRN_DRIVE_REFRESH_TOKEN || (await drive.secrets.get(DRIVE_TOKENS_KEY));
  if (!linked) return;
  const r = await o.service.call('drivePush', { plan: plan.name });
  if (!r.ok) o.log(`The push of ${plan.name} to Google Drive did not start: ${r.error.message}`);
}

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
