import fs from 'node:fs';
import type { Command } from 'commander';
import { listRemoteItems } from '../../engine/app/ops/remoteList';
import { remotePruneOp, remotePushOp, remoteVerifyOp } from '../../engine/app/ops/remoteRun';
import {
  addRemoteOp,
  remoteKnowledge,
  removeRemoteOp,
  setRemotePlans,
  setRemoteSettings,
  type NewRemote,
} from '../../engine/app/ops/remotes';
import { rcloneConfig, s3Config } from '../../engine/remotes/address';
import { importFromRemote } from '../../engine/remotes/ops';
import { getRemote } from '../../engine/remotes/registry';
import { CairnError } from '../../engine/errors';
import { collect, type CliContext } from '../context';
import type { DriveCounts } from '../../engine/drive/pack/policy';
import { copyKeepOptions, copyKeepsGiven } from './keeps';
import { problem, untilSignal } from '../streams';
import { importText, pushProblems, pushText } from './drive';
import { pruneText, verifyProblems, verifyText } from './driveMaintain';
import { addText, forgottenText, listProblems, listText, settingsText } from './remoteText';

interface AddOptions {
  plan?: string[];
  s3?: string;
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
  storageClass?: string;
  accessKeyId?: string;
  rclone?: string;
  rcloneConfig?: string;
}

/** The secret access key: $AWS_SECRET_ACCESS_KEY, else one line of stdin (never the command line). */
function readSecretKey(): string {
  const env = process.env.AWS_SECRET_ACCESS_KEY;
  if (env) return env;
  if (process.stdin.isTTY) process.stderr.write('Secret access key: ');
  let key = '';
  try {
    key = fs.readFileSync(0, 'utf8').split(/\r?\n/)[0]!.trim();
  } catch {
    // no stdin at all
  }
  if (!key)
    throw new CairnError(
      'usage',
      '--access-key-id needs its secret key: set AWS_SECRET_ACCESS_KEY or pipe it on stdin (never on the command line).',
    );
  return key;
}

/** What `remote add` options describe, checked. */
function newRemote(o: AddOptions): NewRemote {
  if (!o.s3 === !o.rclone)
    throw new CairnError('usage', 'Give the store: either --s3 s3://BUCKET/PREFIX or --rclone REMOTE:PATH.');
  if (o.rclone) {
    const s3Only = ['endpoint', 'region', 'pathStyle', 'storageClass', 'accessKeyId'] as const;
    const wrong = s3Only.filter((k) => o[k] !== undefined);
    if (wrong.length)
      throw new CairnError(
        'usage',
        `--${wrong[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is for --s3 remotes.`,
      );
    return { kind: 'rclone', config: rcloneConfig({ target: o.rclone, configFile: o.rcloneConfig ?? null }) };
  }
  if (o.rcloneConfig) throw new CairnError('usage', '--rclone-config is for --rclone remotes.');
  const config = s3Config({
    url: o.s3!,
    endpoint: o.endpoint,
    region: o.region,
    pathStyle: o.pathStyle,
    storageClass: o.storageClass,
    env: process.env,
  });
  const credentials = o.accessKeyId ? { accessKeyId: o.accessKeyId, secretAccessKey: readSecretKey() } : null;
  return { kind: 's3', config, credentials };
}

/** What the plans that did not fail gave. */
function resultsOf<T>(runs: { result: T | null }[]): T[] {
  return runs.flatMap((r) => (r.result ? [r.result] : []));
}

/** Stops the first plan's failure: exit 2 with its reason, after printing what the others did. */
function throwFirst(runs: { error: unknown }[]): void {
  const failed = runs.find((r) => r.error);
  if (failed) throw failed.error;
}

interface SetOptions extends Partial<DriveCounts> {
  autoPush?: boolean;
  plan?: string;
}

/** `cairn remote add | list | push | verify | prune | import | plan | set | remove`. */
export function registerRemote(program: Command, ctx: () => CliContext): void {
  const remote = program
    .command('remote')
    .description('off-site copies beyond Google Drive: S3-compatible buckets and rclone remotes');

  remote
    .command('add <name>')
    .description(
      'add an S3 bucket (--s3) or an rclone remote (--rclone); S3 keys: --access-key-id with the secret from $AWS_SECRET_ACCESS_KEY or stdin, or none for the AWS SDK chain',
    )
    .option('--plan <plan>', 'a plan to copy there (repeat for several; none: only to import from)', collect)
    .option('--s3 <url>', 'the bucket and prefix, s3://BUCKET/PREFIX')
    .option('--endpoint <url>', 'an S3-compatible store (https://HOST[:PORT]); default AWS')
    .option('--region <region>', 'the region (default $AWS_REGION or us-east-1)')
    .option('--path-style', 'path-style addresses (most self-hosted stores: MinIO, Ceph, Garage)')
    .option('--storage-class <class>', 'STANDARD, STANDARD_IA, GLACIER_IR... (default: the bucket default)')
    .option(
      '--access-key-id <id>',
      'the access key ID; its secret comes from $AWS_SECRET_ACCESS_KEY or stdin',
    )
    .option('--rclone <remote:path>', 'an rclone remote made with `rclone config`, and a path in it')
    .option('--rclone-config <file>', "rclone's config file (default rclone's own)")
    .action(async (name: string, o: AddOptions) => {
      const c = ctx();
      const r = await addRemoteOp(c.ops(), { ...newRemote(o), name, plans: o.plan ?? [] });
      const v = { ...r, ...(await remoteKnowledge(c.ops(), r.remote.name)) };
      c.out(v, addText, (x) =>
        x.reach.reachable
          ? []
          : [
              `WARNING: ${x.reach.message}`,
              `The remote is kept; fix it, or take it back with: cairn remote remove ${name}`,
            ],
      );
    });

  remote
    .command('list')
    .description(
      'every remote, Drive first: where, plans, state, last push, bytes waiting (from the catalog)',
    )
    .action(async () => {
      const c = ctx();
      const now = c.now();
      c.out(
        await listRemoteItems(c.ops()),
        (rs) => listText(rs, now),
        (rs) => listProblems(rs, now),
      );
    });

  remote
    .command('push <name>')
    .description(
      'upload what the remote lacks, for each of its plans; exit 0 done, 1 some backups left for later, 2 stopped',
    )
    .option('--plan <plan>', 'only this plan')
    .action(async (name: string, o: { plan?: string }) => {
      const c = ctx();
      const { runs } = await untilSignal((signal) => remotePushOp(c.ops(), name, { plan: o.plan, signal }));
      const done = resultsOf(runs);
      if (done.some((r) => r.skipped.length || r.unreadable.length)) c.exitCode = 1;
      c.out(done, (v) => pushText(v, name), pushProblems);
      throwFirst(runs);
    });

  remote
    .command('verify <name>')
    .description(
      'check the remote copy: every file against its MD5, a sample read back; exit 0 intact, 1 problems, 2 nothing to verify',
    )
    .option('--plan <plan>', 'only this plan')
    .action(async (name: string, o: { plan?: string }) => {
      const c = ctx();
      const { runs } = await remoteVerifyOp(c.ops(), name, { plan: o.plan });
      const rs = resultsOf(runs);
      c.exitCode = rs.some((r) => r.problems.length) ? 1 : rs.every((r) => r.manifests === 0) ? 2 : 0;
      c.out(rs, (v) => verifyText(v, name), verifyProblems);
      throwFirst(runs);
    });

  remote
    .command('prune <name>')
    .description("apply the retention on the remote (the plan's Drive rules, else its local ones)")
    .option('--plan <plan>', 'only this plan')
    .option('--dry-run', 'say which backups would go, change nothing')
    .action(async (name: string, o: { plan?: string; dryRun?: boolean }) => {
      const c = ctx();
      const { runs } = await remotePruneOp(c.ops(), name, { plan: o.plan, dryRun: o.dryRun });
      c.out(resultsOf(runs), (v) => pruneText(v, name));
      throwFirst(runs);
    });

  remote
    .command('import <name>')
    .description(
      'rebuild plans and catalog from the remote alone (a new machine: add the remote without --plan first)',
    )
    .option('--password-stdin', 'read the encryption password from stdin (else $CAIRN_DRIVE_PASSWORD)')
    .action(async (name: string, o: { passwordStdin?: boolean }) => {
      const c = ctx();
      const password = o.passwordStdin
        ? fs.readFileSync(0, 'utf8').replace(/\r?\n$/, '')
        : process.env.CAIRN_DRIVE_PASSWORD || undefined;
      if (password === '') throw new CairnError('usage', '--password-stdin read an empty password.');
      const r = await importFromRemote({
        db: c.catalog(),
        remote: getRemote(c.catalog(), name),
        secrets: c.secrets(),
        env: process.env,
        now: () => c.now(),
        password,
        dataDir: c.dataDir,
      });
      c.out(r, (v) => importText(v, name));
    });

  remote
    .command('plan <name>')
    .description('attach (--add) or detach (--remove) plans the remote copies')
    .option('--add <plan>', 'copy this plan there too (repeat for several)', collect)
    .option('--remove <plan>', 'stop copying this plan there; what is on the store stays (repeat)', collect)
    .action((name: string, o: { add?: string[]; remove?: string[] }) => {
      const c = ctx();
      if (!o.add?.length && !o.remove?.length)
        throw new CairnError('usage', 'Say which plans: --add PLAN and/or --remove PLAN.');
      const plans = setRemotePlans(c.ops(), name, { add: o.add ?? [], remove: o.remove ?? [] });
      c.out(
        { name, plans },
        (v) => `Remote ${v.name} copies ${v.plans.length ? v.plans.join(', ') : 'no plan'}.`,
      );
    });

  copyKeepOptions(
    remote
      .command('set <name>')
      .description(
        "a remote's own settings: pushed after each backup or only by hand; with --plan, that plan's retention there (until set, its local rules)",
      )
      .option('--auto-push', 'push after each backup of the plans it copies (the default)')
      .option('--no-auto-push', 'push only by hand: cairn remote push, or Push now in the app')
      .option('--plan <plan>', 'the plan whose retention on this remote the --keep-* options set'),
    '--keep',
    (what) => `keep ${what} there`,
  ).action((name: string, o: SetOptions) => {
    const c = ctx();
    const keeps = copyKeepsGiven(o);
    c.out(setRemoteSettings(c.ops(), name, { autoPush: o.autoPush, plan: o.plan, keeps }), settingsText);
  });

  remote
    .command('remove <name>')
    .description(
      'forget a remote (the catalog records and stored keys); nothing on the store is deleted; without --yes only say what',
    )
    .option('--yes', 'remove it')
    .action(async (name: string, o: { yes?: boolean }) => {
      const c = ctx();
      if (!o.yes) {
        if (getRemote(c.catalog(), name).kind === 'drive')
          throw new CairnError(
            'usage',
            'Google Drive cannot be removed; disconnect it with `cairn drive disconnect`.',
          );
        const v = await remoteKnowledge(c.ops(), name);
        c.exitCode = 1;
        c.out({ ...v, removed: false }, (x) => forgottenText(x, false));
        problem([`Nothing removed; to remove ${name}, run again with --yes.`]);
        return;
      }
      const v = await removeRemoteOp(c.ops(), name);
      c.out({ ...v, removed: true }, (x) => forgottenText(x, true));
    });
}
