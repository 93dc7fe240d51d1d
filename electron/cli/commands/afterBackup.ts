import type { Db } from '../../engine/catalog/db';
import type { Plan } from '../../engine/catalog/plans';
import { logActivity } from '../../engine/catalog/activity';
import { pushAfterBackup } from '../../engine/drive/pack/afterBackup';
import type { SecretStore } from '../../engine/drive/secrets';
import { describeError } from '../../engine/errors';
import { prunePlan } from '../../engine/retention/prune';
import { readSettings } from '../../engine/service/settingsStore';
import { formatBytes } from '../format';

/**
 * What `cairn backup` does after a good run, as the app does: retention when the plan asks for it, then a
 * push to Drive when Drive is linked and auto-push is on. Neither can fail the backup; each says what it did.
 */
export async function afterCliBackup(o: {
  db: Db;
  plan: Plan;
  secrets: SecretStore;
  now: () => number;
}): Promise<string[]> {
  const lines: string[] = [];
  if (o.plan.autoPrune) {
    try {
      const r = prunePlan(o.db, o.plan, {
        now: o.now(),
        actor: 'cli',
        timeZone: readSettings(o.db).timezone,
      });
      if (r.pruned.length)
        lines.push(
          `  pruned ${r.pruned.length} old backup(s) by the plan's retention: ${r.pruned.join(', ')}`,
        );
    } catch (e) {
      const message = `Automatic prune of ${o.plan.name} did not run: ${describeError(e)}`;
      logActivity(o.db, {
        at: o.now(),
        planId: o.plan.id,
        kind: 'prune',
        level: 'warning',
        actor: 'cli',
        message,
      });
      lines.push(`  ${message}`);
    }
  }
  try {
    const r = await pushAfterBackup({ db: o.db, plan: o.plan, secrets: o.secrets, now: o.now, actor: 'cli' });
    if (r)
      lines.push(
        `  pushed to Google Drive: ${r.pushed.length} backup(s), ${formatBytes(r.bytesUploaded)} uploaded`,
      );
  } catch (e) {
    lines.push(
      `  the push to Google Drive did not finish: ${describeError(e)} (cairn drive push retries it)`,
    );
  }
  return lines;
}
