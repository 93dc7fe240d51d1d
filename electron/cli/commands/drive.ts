import path from 'node:path';
import readline from 'node:readline';
import type { Command } from 'commander';
import { getPlan, listPlans } from '../../engine/catalog/plans';
import {
  connectWithBrowser,
  driveConfig,
  forgetTokens,
  NO_CLIENT_MESSAGE,
  openInSystemBrowser,
  startManualConnect,
  waitingMessage,
} from '../../engine/drive/index';
import { loadDriveKey, saveDriveKey } from '../../engine/drive/pack/crypto';
import { resealIdentity } from '../../engine/drive/pack/folders';
import { importFromDrive, type DriveImportResult } from '../../engine/drive/pack/importDrive';
import type { PushResult } from '../../engine/drive/pack/push';
import { pushOp } from '../../engine/app/ops/push';
import { listDriveBackups } from '../../engine/drive/pack/remoteList';
import { openForStatus } from '../../engine/drive/pack/openRemote';
import { driveSettingsWithSecret, saveOwnClient } from '../../engine/drive/pack/settings';
import { driveStatus, type DriveStatusView } from '../../engine/drive/pack/status';
import { driveCopy, listDriveManifests } from '../../engine/drive/pack/store';
import { CairnError } from '../../engine/errors';
import { intOption, type CliContext } from '../context';
import { formatBytes, formatCount, table } from '../format';
import { untilSignal } from '../streams';
import { registerDriveMaintenance } from './driveMaintain';
import { cliRemote, cliSecrets } from './driveOpen';
import { DRIVE_REMOTE_ID } from '../../engine/remotes/registry';
import { openCopyHolders } from '../../engine/remotes/ops';

async function readLine(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const rl = readline.createInterface({ input: process.stdin });
  try {
    for await (const line of rl) return line;
  } finally {
    rl.close();
  }
  throw new CairnError('usage', 'Nothing was entered.');
}

const CLIENT_SOURCE = {
  environment: 'your own, from CAIRN_GOOGLE_CLIENT_ID',
  settings: 'your own, entered in Cairn',
  'built-in': 'built into this copy of Cairn',
} as const;

const when = (ms: number | null) => (ms ? new Date(ms).toLocaleString() : 'never');

function statusText(s: DriveStatusView): string {
  const lines = [
    `Google Drive: ${s.connected ? `connected as ${s.account ?? 'unknown account'}` : 'not connected'}`,
  ];
  if (s.quota)
    lines.push(
      `  storage     ${formatBytes(s.quota.used)} used` +
        (s.quota.limit !== null
          ? ` of ${formatBytes(s.quota.limit)}, ${formatBytes(Math.max(0, s.quota.limit - s.quota.used))} free`
          : ' (no limit)'),
    );
  lines.push(`  encryption  ${s.encrypted ? 'on (age; keep your password: it cannot be recovered)' : 'off'}`);
  if (s.folderUrl) lines.push(`  folder      ${s.folderUrl}`);
  for (const p of s.plans) {
    lines.push(
      `  plan ${p.planName}: ${formatCount(p.backupsOnDrive)} backup(s) on Drive, last push ${when(p.lastPushAt)}, ` +
        `${formatBytes(p.pendingBytes ?? 0)} waiting to go up` +
        (p.waiting ? `; ${p.waiting}` : ''),
    );
  }
  lines.push(
    `  OAuth client ${s.client ? `${s.client.id} (${CLIENT_SOURCE[s.client.source]})` : `none: ${NO_CLIENT_MESSAGE}`}`,
  );
  if (s.madeWithClient) lines.push(`  backups on Drive made with the OAuth client ${s.madeWithClient}`);
  if (s.clientWarning) lines.push(`  WARNING     ${s.clientWarning}`);
  if (s.lastError) lines.push(`  last error  ${s.lastError.message} (${when(s.lastError.at)})`);
  if (s.connected && s.probeError) lines.push(`  not checked just now: ${s.probeError}`);
  else if (!s.connected && s.client) lines.push('  Drive is not connected: run `cairn drive connect` first.');
  lines.push(`  ${s.tokens}`);
  return lines.join('\n');
}

/** What each plan's push sent, one line each ("to Drive", or another remote's name in `where`). */
export function pushText(results: PushResult[], where = 'Drive'): string {
  return results
    .map((r) => {
      const head =
        `${r.planName}: ${r.pushed.length} backup(s) pushed, ${formatCount(r.packsUploaded)} pack(s), ` +
        `${formatBytes(r.bytesUploaded)} uploaded in ${(r.durationMs / 1000).toFixed(1)} s` +
        (r.packsRecovered ? `, ${r.packsRecovered} pack(s) a stopped push had finished` : '') +
        (r.alreadyOnDrive ? `; ${r.alreadyOnDrive} already on ${where}` : '');
      return head;
    })
    .join('\n');
}

/** Backups left for later and files that do not match their manifest, for stderr. */
export function pushProblems(results: PushResult[]): string[] {
  return results.flatMap((r) => [
    ...r.skipped.map((s) => `  ${r.planName}: left for later: ${s.stamp}: ${s.reason}`),
    ...r.unreadable.slice(0, 20).map((p) => `  ${r.planName}: does not match its manifest: ${p}`),
  ]);
}

/** What an import rebuilt, per plan ("from Drive", or from another remote). */
export function importText(v: DriveImportResult, from: string): string {
  return [
    ...v.plans.map(
      (p) =>
        `${p.planName}: ${p.imported.length} backup(s) imported from ${from} (${v.machine})` +
        (p.created ? ', plan created' : '') +
        (p.notListed.length ? `; ${p.notListed.length} older than the catalog's newest left out` : '') +
        (p.madeWithClient ? `; made with the OAuth client ${p.madeWithClient}` : ''),
    ),
    'See them with: cairn list; restore with: cairn restore PLAN/STAMP --to DIR',
  ].join('\n');
}

/** `cairn drive connect | status | push | list | import | password | verify | prune | disconnect`. */
export function registerDrive(program: Command, ctx: () => CliContext): void {
  const drive = program.command('drive').description('the off-site copy on Google Drive');

  drive
    .command('connect')
    .description('link Cairn to your Google Drive (opens the browser; --no-browser prints the address)')
    .option('--no-browser', 'print the consent address and read back the address the browser ends on')
    .option(
      '--client-id <id>',
      'use your own Google OAuth client (a Desktop app client); kept in the catalog',
    )
    .option(
      '--client-secret <secret>',
      "that client's secret; kept with the Drive tokens, never in the catalog",
    )
    .action(async (o: { browser: boolean; clientId?: string; clientSecret?: string }) => {
      const c = ctx();
      const secrets = cliSecrets(c);
      if (!o.clientId !== !o.clientSecret)
        throw new CairnError(
          'usage',
          'Give both --client-id and --client-secret (from Google Cloud console).',
        );
      if (o.clientId && o.clientSecret) await saveOwnClient(c.catalog(), secrets, o.clientId, o.clientSecret);
      const cfg = driveConfig(await driveSettingsWithSecret(c.catalog(), secrets));
      if (o.browser) {
        process.stderr.write('Opening the Google consent page in your browser...\n');
        await connectWithBrowser({ cfg, secrets, openUrl: openInSystemBrowser });
      } else {
        const m = await startManualConnect(cfg, secrets);
        process.stderr.write(
          `Open this address in a browser, allow access, then paste the address it ends on:\n${m.url}\n`,
        );
        await m.finish(await readLine('> '));
      }
      const about = await (await cliRemote(c)).about();
      c.out(
        { connected: true, account: about.emailAddress },
        (v) => `Connected to Google Drive as ${v.account}. ${secrets.description}.`,
      );
    });

  drive
    .command('status')
    .description(
      "account, storage, last push, what waits to go up (and for Google's limit), and the last error, from the catalog at once; exit 0 fine or waiting, 1 the last push stopped, 2 not connected",
    )
    .action(async () => {
      const c = ctx();
      const db = c.catalog();
      const opened = await openForStatus(db, c.core().drive);
      const s = await driveStatus({ db, secrets: cliSecrets(c), ...opened });
      c.exitCode = s.lastError ? 1 : 0;
      if (!s.connected) c.exitCode = 2;
      c.out(s, statusText);
    });

  drive
    .command('push [plan]')
    .description(
      'upload what Drive lacks (all plans, or one); exit 0 done, 2 stopped (the reason says what to do)',
    )
    .option('--bwlimit <KiB/s>', 'upload bandwidth limit in KiB per second', intOption('--bwlimit'))
    .action(async (name: string | undefined, o: { bwlimit?: number }) => {
      const c = ctx();
      const db = c.catalog();
      const plans = name ? [getPlan(db, name)] : listPlans(db);
      const pushes = await untilSignal((signal) =>
        pushOp(c.ops(), plans, {
          signal,
          bandwidthBytesPerSecond: o.bwlimit ? o.bwlimit * 1024 : undefined,
          onProgress: (_plan, p) => {
            if (p.waitingUntil)
              process.stderr.write(`${p.waiting ?? waitingMessage('daily', p.waitingUntil)}\n`);
          },
        }),
      );
      // A plan whose push stopped stops the command with its reason (exit 2), as one push did before.
      const stopped = pushes.find((x) => x.error);
      if (stopped) throw stopped.error;
      const results = pushes.map((x) => x.result!);
      if (results.some((r) => r.skipped.length || r.unreadable.length)) c.exitCode = 1;
      c.out(results, pushText, pushProblems);
    });

  drive
    .command('list [plan]')
    .description(
      'backups on Drive (read from Drive, so it works on a new machine before import), newest first',
    )
    .action(async (name: string | undefined) => {
      const c = ctx();
      const db = c.catalog();
      const found = (await listDriveBackups(await cliRemote(c))).filter((b) => !name || b.plan === name);
      const known = new Map(
        listPlans(db).flatMap((p) =>
          listDriveManifests(db, driveCopy(p.id)).map((m) => [`${p.name}/${m.stamp}`, m] as const),
        ),
      );
      const rows = found.map((b) => {
        const m = known.get(`${b.plan}/${b.stamp}`);
        return { ...b, files: m?.files ?? null, bytes: m?.bytes ?? null, inCatalog: m !== undefined };
      });
      c.out(rows, (v) =>
        v.length === 0
          ? 'No backups on Drive yet; push with: cairn drive push'
          : table([
              ['MACHINE', 'PLAN', 'BACKUP', 'FILES', 'SIZE', 'ENCRYPTED'],
              ...v.map((r) => [
                r.machine,
                r.plan,
                r.stamp,
                r.files === null ? '?' : formatCount(r.files),
                r.bytes === null ? '? (cairn drive import)' : formatBytes(r.bytes),
                r.encrypted ? 'yes' : 'no',
              ]),
            ]),
      );
    });

  drive
    .command('import')
    .description('rebuild the catalog from Drive alone (a new machine, or a lost data folder)')
    .option('--machine <name>', 'whose backups, when Drive holds several machines')
    .action(async (o: { machine?: string }) => {
      const c = ctx();
      const r = await importFromDrive({
        db: c.catalog(),
        remote: await cliRemote(c),
        remoteId: DRIVE_REMOTE_ID,
        secrets: cliSecrets(c),
        machine: o.machine,
        password: process.env.CAIRN_DRIVE_PASSWORD || undefined,
        cacheDir: path.join(c.dataDir, 'drive-cache'),
        now: () => c.now(),
        actor: 'cli',
      });
      c.out(
        r,
        (v: DriveImportResult) => importText(v, 'Drive'),
        (v: DriveImportResult) => [
          ...new Set(v.plans.flatMap((p) => (p.clientWarning ? [`WARNING: ${p.clientWarning}`] : []))),
        ],
      );
    });

  drive
    .command('password')
    .description(
      'set (or --change) the password that encrypts what goes to Drive (from CAIRN_DRIVE_PASSWORD or stdin)',
    )
    .option('--change', 'change the password: the key file on Drive is sealed again with the new one')
    .action(async (o: { change?: boolean }) => {
      const c = ctx();
      const secrets = cliSecrets(c);
      const old = await loadDriveKey(secrets);
      if (old && !o.change)
        throw new CairnError(
          'conflict',
          'A Drive password is already set; to change it: cairn drive password --change.',
        );
      const pw = (
        process.env.CAIRN_DRIVE_PASSWORD || (await readLine('Drive password (at least 12 characters): '))
      ).trim();
      if (old) {
        // Every remote holding a copy (Drive, S3, rclone), reachable before anything changes.
        const holders = await openCopyHolders(c.catalog(), c.core().drive);
        const key = await saveDriveKey(secrets, pw, old.identity);
        try {
          for (const h of holders)
            await resealIdentity(c.catalog(), h.store, h.row.id, key, path.join(c.dataDir, 'drive-tmp'));
        } catch (e) {
          await saveDriveKey(secrets, old.password, old.identity);
          throw e;
        }
        const where = holders.map((h) => (h.row.kind === 'drive' ? 'Drive' : `remote ${h.row.name}`));
        c.out(
          { encrypted: true, resealed: holders.map((h) => h.row.name) },
          () =>
            `The password is changed; the key file ${where.length ? `on ${where.join(', ')} ` : ''}now opens with the new one.`,
        );
        return;
      }
      await saveDriveKey(secrets, pw);
      c.out(
        { encrypted: true },
        () =>
          'From the next push on, packs and manifests are encrypted. Keep the password safe: without it the Drive copy cannot be read.',
      );
    });

  registerDriveMaintenance(drive, ctx);

  drive
    .command('disconnect')
    .description('forget the Drive link on this machine (the files on Drive stay)')
    .action(async () => {
      const c = ctx();
      await forgetTokens(cliSecrets(c));
      c.out(
        { disconnected: true },
        () => 'Drive is disconnected; the backups on Drive stay. Reconnect with: cairn drive connect',
      );
    });
}
