import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { getPlan, listPlans, type Plan } from '../../engine/catalog/plans';
import type { SecretStore } from '../../engine/secrets/store';
import type { DriveRemote } from '../../engine/drive/types';
import { pruneDrive, type DrivePruneResult } from '../../engine/drive/pack/retention';
import { driveSettings } from '../../engine/drive/pack/settings';
import { verifyDrive, type DriveVerifyResult } from '../../engine/drive/pack/verify';
import { CairnError } from '../../engine/errors';
import { intOption, type CliContext } from '../context';
import { formatBytes, formatCount } from '../format';
import { cliRemote, cliSecrets } from './driveOpen';
import { DRIVE_REMOTE_ID } from '../../engine/remotes/registry';

/** Each plan's check of its copy on `where` (Drive, or a remote's name). */
export function verifyText(rs: DriveVerifyResult[], where = 'Drive'): string {
  const lines: string[] = [];
  for (const r of rs) {
    lines.push(
      `${r.planName} on ${where}: ${r.problems.length ? 'PROBLEMS' : 'intact'} — ${formatCount(r.packs)} pack(s), ` +
        `${formatCount(r.manifests)} backup(s), ${formatCount(r.sampled)} pack(s) read back (${formatBytes(r.sampledBytes)})` +
        (r.duplicatesRemoved ? `, ${r.duplicatesRemoved} duplicate file(s) removed` : ''),
    );
  }
  return lines.join('\n');
}

/** What the Drive check found wrong, for stderr. */
export function verifyProblems(rs: DriveVerifyResult[]): string[] {
  return rs.flatMap((r) =>
    r.problems.slice(0, 50).map((p) => `  ${r.planName}: ${p.problem.toUpperCase()}: ${p.name}: ${p.detail}`),
  );
}

/** Runs a Drive task for one plan or all, each with the Drive remote and a scratch folder removed after. */
async function eachPlanOnDrive<T>(
  c: CliContext,
  planName: string | undefined,
  prefix: string,
  task: (x: {
    db: ReturnType<CliContext['catalog']>;
    plan: Plan;
    remote: DriveRemote;
    remoteId: number;
    secrets: SecretStore;
    machine: string;
    workDir: string;
  }) => Promise<T>,
): Promise<T[]> {
  const db = c.catalog();
  const plans = planName ? [getPlan(db, planName)] : listPlans(db);
  const remote = await cliRemote(c);
  const out: T[] = [];
  for (const plan of plans) {
    const workDir = fs.mkdtempSync(path.join(c.dataDir, prefix));
    try {
      out.push(
        await task({
          db,
          plan,
          remote,
          remoteId: DRIVE_REMOTE_ID,
          secrets: cliSecrets(c),
          machine: driveSettings(db).machine,
          workDir,
        }),
      );
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  }
  return out;
}

/**
 * `cairn verify --drive` and `cairn drive verify`: checks the Drive copy of one plan or all; exit 0 intact,
 * 1 problems found, 2 nothing on Drive to verify.
 */
export async function runDriveVerify(
  c: CliContext,
  planName: string | undefined,
  samplePercent?: number,
): Promise<void> {
  const rs = await eachPlanOnDrive(c, planName, 'drive-verify-', (x) =>
    verifyDrive({
      ...x,
      samplePercent,
      now: () => c.now(),
      actor: 'cli',
    }),
  );
  c.exitCode = rs.some((r) => r.problems.length) ? 1 : rs.every((r) => r.manifests === 0) ? 2 : 0;
  c.out(rs, verifyText, verifyProblems);
}

/** Each plan's retention on `where` (Drive, or a remote's name): what went, and why each backup stays. */
export function pruneText(rs: DrivePruneResult[], where = 'Drive'): string {
  return rs
    .map((r) =>
      [
        `${r.planName} on ${where}${r.dryRun ? ' (dry run)' : ''}: ${r.pruned.length} backup(s) ${r.dryRun ? 'would be' : ''} pruned` +
          (r.dryRun
            ? ''
            : `, ${r.packsDeleted} pack(s) deleted, ${r.packsRewritten} rewritten, ${formatBytes(r.freedBytes)} freed`),
        ...r.items.map((i) => `  ${i.keep ? 'keep ' : 'prune'} ${i.stamp}  ${i.reasons.join('; ')}`),
      ].join('\n'),
    )
    .join('\n');
}

/** `cairn drive prune` and `cairn drive verify`. */
export function registerDriveMaintenance(drive: Command, ctx: () => CliContext): void {
  drive
    .command('verify [plan]')
    .description(
      'check the Drive copy (same as cairn verify --drive); exit 0 intact, 1 problems, 2 nothing on Drive',
    )
    .option(
      '--sample <percent>',
      'packs to download and read back (default 5, at least one)',
      intOption('--sample'),
    )
    .action(async (name: string | undefined, o: { sample?: number }) => {
      if (o.sample !== undefined && (o.sample < 1 || o.sample > 100))
        throw new CairnError('usage', '--sample takes a percent from 1 to 100.');
      await runDriveVerify(ctx(), name, o.sample);
    });

  drive
    .command('prune [plan]')
    .description(
      "apply the Drive retention (the plan's own, else the local one); --dry-run only says what it would do",
    )
    .option('--dry-run', 'say which backups would go, change nothing')
    .action(async (name: string | undefined, o: { dryRun?: boolean }) => {
      const c = ctx();
      const rs = await eachPlanOnDrive(c, name, 'drive-prune-', (x) =>
        pruneDrive({
          ...x,
          now: () => c.now(),
          actor: 'cli',
          dryRun: o.dryRun,
          admit: c.ops().jobs.admitFor('cli'),
        }),
      );
      c.out(rs, pruneText);
    });
}
