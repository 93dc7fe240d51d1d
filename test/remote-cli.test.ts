// `cairn remote` as the README starts it (bin/cairn.mjs, no Cairn environment variable, a fresh home, the
// working folder elsewhere) against real stores: an rclone remote on rclone's local backend (a temp rclone
// config file with `[here] type = local`), s3rver on 127.0.0.1 (test/s3-server), and a closed port (unreachable).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from './helpers/cli';
import { startS3Server, type S3TestServer } from './s3-server/server';
import { tempDir } from './helpers/tmp';
import { writeTree, diffTrees } from './helpers/tree';
import { userEnv } from './helpers/userEnv';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A user of this computer: their own home (so their own data folder) and a working folder elsewhere. */
function user(home: string) {
  const env = userEnv(home);
  delete env.AWS_SECRET_ACCESS_KEY;
  delete env.AWS_ACCESS_KEY_ID;
  delete env.RCLONE_CONFIG;
  const cwd = tempDir('cairn-cwd-');
  const run = (args: string[], o: { input?: string; env?: NodeJS.ProcessEnv } = {}): Run => {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      encoding: 'utf8',
      env: { ...env, ...o.env },
      cwd,
      input: o.input ?? '',
      timeout: 180_000,
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  // Without blocking this process: for a server that runs in it (s3rver), which spawnSync would freeze.
  const runAsync = (args: string[], o: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> =>
    new Promise((resolve, reject) => {
      const p = spawn(process.execPath, [CLI, ...args], { env: { ...env, ...o.env }, cwd });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      p.on('error', reject);
      p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      p.stdin.end(o.input ?? '');
    });
  const json = <T>(args: string[], o?: { input?: string; env?: NodeJS.ProcessEnv }) => {
    const r = run(['--json', ...args], o);
    try {
      return { ...r, value: JSON.parse(r.stdout) as T };
    } catch {
      throw new Error(`cairn ${args.join(' ')} printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
    }
  };
  return { run, runAsync, json, home, dataDir: path.join(home, '.config', 'Cairn') };
}

/** An rclone config file with one local-backend remote, and the folder it stands for. */
function localRclone(root: string) {
  const conf = path.join(root, 'rclone.conf');
  fs.writeFileSync(conf, '[here]\ntype = local\n');
  const store = path.join(root, 'store');
  fs.mkdirSync(store);
  return { conf, store };
}

/** A port on 127.0.0.1 nothing listens on (taken, then closed). */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

interface ListItem {
  name: string;
  kind: string;
  where: string;
  state: string;
  plans: { plan: string; lastPushAt: number | null; bytesWaiting: number; backupsOnRemote: number }[];
}

describe('cairn remote', () => {
  it('refuses bad input with one clear sentence and exit 2, storing nothing', async () => {
    const root = tempDir('cairn-remote-bad-');
    const u = user(path.join(root, 'home'));
    const { conf, store } = localRclone(root);
    writeTree(path.join(root, 'docs'), { 'a.txt': 'alpha' });
    expect(
      u.run(['plan', 'add', 'home', '--source', path.join(root, 'docs'), '--dest', path.join(root, 'dest')])
        .code,
    ).toBe(0);
    const bad: [string[], RegExp][] = [
      [['remote', 'push', 'nope'], /No remote named "nope"\. Remotes: drive\./],
      [['remote', 'add', 'x', '--s3', 'https://bucket/x'], /not an S3 address; write it as s3:\/\/BUCKET/],
      [['remote', 'add', 'x', '--s3', 's3://My_Bucket'], /not a valid bucket name/],
      [
        ['remote', 'add', 'x', '--s3', 's3://bucket', '--endpoint', 'minio:9000'],
        /must start with https:\/\//,
      ],
      [['remote', 'add', 'x'], /either --s3 s3:\/\/BUCKET\/PREFIX or --rclone REMOTE:PATH/],
      [['remote', 'add', 'x', '--rclone', store], /does not name an rclone remote; write it as REMOTE:PATH/],
      [
        ['remote', 'add', 'x', '--rclone', 'here:x', '--rclone-config', 'nope.conf'],
        /rclone config file .*nope\.conf does not exist/,
      ],
      [['remote', 'add', 'x', '--rclone', 'here:x', '--region', 'eu-west-1'], /--region is for --s3 remotes/],
      [
        ['remote', 'add', 'x', '--rclone', `here:${store}`, '--rclone-config', conf, '--plan', 'work'],
        /no plan named "work"; the plans are: home/,
      ],
      [
        ['remote', 'add', 'x', '--s3', 's3://bucket', '--access-key-id', 'AKIA1'],
        /AWS_SECRET_ACCESS_KEY or pipe it on stdin/,
      ],
      [
        ['remote', 'add', 'bad name!', '--rclone', `here:${store}`, '--rclone-config', conf],
        /cannot name a remote/,
      ],
      [['remote', 'remove', 'drive', '--yes'], /Google Drive cannot be removed/],
    ];
    for (const [args, message] of bad) {
      const r = u.run(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    const list = u.json<ListItem[]>(['remote', 'list']);
    expect(list.value.map((r) => r.name)).toEqual(['drive']);

    expect(u.run(['remote', 'add', 'nas', '--rclone', `here:${store}`, '--rclone-config', conf]).code).toBe(
      0,
    );
    const again = u.run(['remote', 'add', 'nas', '--rclone', `here:${store}/other`, '--rclone-config', conf]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/A remote named "nas" exists already/);
    const notCopied = u.run(['remote', 'push', 'nas', '--plan', 'home']);
    expect(notCopied.code).toBe(2);
    expect(notCopied.stderr).toMatch(
      /does not copy plan home; attach it with: cairn remote plan nas --add home/,
    );
    const none = u.run(['remote', 'push', 'nas']);
    expect(none.stderr).toMatch(/copies no plan yet/);
  });

  it('an S3 bucket: the secret key from stdin goes to the secret store only; an unreachable store is added with a warning', async () => {
    const root = tempDir('cairn-remote-s3-');
    const u = user(path.join(root, 'home'));
    const port = await closedPort();
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
    const r = u.run(
      [
        'remote',
        'add',
        'minio',
        '--s3',
        's3://family-backups/laptop',
        '--endpoint',
        `http://127.0.0.1:${port}`,
        '--path-style',
        '--region',
        'eu-west-3',
        '--storage-class',
        'standard_ia',
        '--access-key-id',
        'AKIAEXAMPLE',
      ],
      { input: `${secret}\n` },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^Remote minio added: s3:\/\/family-backups\/laptop at http:\/\/127\.0\.0\.1:\d+, no plan yet/,
    );
    expect(r.stderr).toMatch(/WARNING: s3:\/\/family-backups\/laptop at \S+ could not be reached: /);
    expect(r.stderr).toMatch(/take it back with: cairn remote remove minio/);
    const secrets = fs.readFileSync(path.join(u.dataDir, 'secrets.json'), 'utf8');
    expect(secrets).toContain(secret);
    expect(fs.readFileSync(path.join(u.dataDir, 'catalog.sqlite')).includes(secret)).toBe(false);
    const [, minio] = u.json<ListItem[]>(['remote', 'list']).value;
    expect(minio).toMatchObject({ name: 'minio', kind: 's3', state: 'never', plans: [] });
    expect(minio!.where).toBe(`s3://family-backups/laptop at http://127.0.0.1:${port}`);

    const preview = u.run(['remote', 'remove', 'minio']);
    expect(preview.code).toBe(1);
    expect(preview.stdout).toMatch(/would forget .* nothing on the store is deleted/);
    expect(u.run(['remote', 'remove', 'minio', '--yes']).code).toBe(0);
    const file = path.join(u.dataDir, 'secrets.json');
    expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '').not.toContain(secret);
  });

  it('an rclone local remote: add says it is empty, push, list, verify, prune, remove keeps the store; import rebuilds on a new machine', async () => {
    const root = tempDir('cairn-remote-rclone-');
    const { conf, store } = localRclone(root);
    const src = path.join(root, 'docs');
    writeTree(src, { 'a.txt': 'alpha', 'sub/b.txt': 'beta'.repeat(1000) });
    const u = user(path.join(root, 'home'));
    expect(u.run(['plan', 'add', 'home', '--source', src, '--dest', path.join(root, 'dest')]).code).toBe(0);
    expect(u.run(['backup', 'home']).code).toBe(0);

    const nas = ['--rclone', `here:${store}/cairn`, '--rclone-config', conf];
    const add = u.run(['remote', 'add', 'nas', '--plan', 'home', ...nas]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain(`Remote nas added: here:${store}/cairn, copying home.`);
    expect(add.stdout).toMatch(/is reachable and holds no Cairn backup yet/);

    const before = u.json<ListItem[]>(['remote', 'list']).value.find((r) => r.name === 'nas')!;
    expect(before.state).not.toBe('ok');
    expect(before.plans[0]!.lastPushAt).toBeNull();

    const push = u.run(['remote', 'push', 'nas']);
    expect(push.code, push.stderr).toBe(0);
    expect(push.stdout).toMatch(/^home: 1 backup\(s\) pushed, \d+ pack\(s\), .* uploaded/);
    expect(fs.readdirSync(path.join(store, 'cairn', 'Cairn'))).toHaveLength(1);

    const text = u.run(['remote', 'list']);
    expect(text.stdout.split('\n')[0]).toMatch(/^NAME\s+KIND\s+WHERE\s+PLANS\s+STATE\s+LAST PUSH\s+WAITING$/);
    expect(text.stdout.split('\n')[1]).toMatch(/^drive\s+drive\s+Google Drive/);
    expect(text.stdout).toMatch(/\nnas\s+rclone\s+here:\S+\s+home\s+ok\s+/);
    const after = u.json<ListItem[]>(['remote', 'list']).value.find((r) => r.name === 'nas')!;
    expect(after).toMatchObject({
      state: 'ok',
      plans: [{ plan: 'home', bytesWaiting: 0, backupsOnRemote: 1 }],
    });

    const verify = u.run(['remote', 'verify', 'nas']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^home on nas: intact/);
    const prune = u.run(['remote', 'prune', 'nas', '--dry-run']);
    expect(prune.code, prune.stderr).toBe(0);
    expect(prune.stdout).toMatch(/^home on nas \(dry run\): 0 backup\(s\)/);

    const removed = u.run(['remote', 'remove', 'nas', '--yes']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(
      /Cairn forgot the catalog's record of 1 backup\(s\) and \d+ pack\(s\).*Nothing on the store was deleted/,
    );
    expect(fs.readdirSync(path.join(store, 'cairn', 'Cairn'))).toHaveLength(1);

    // A new machine: the remote added without a plan says whose backups it holds; import rebuilds the plan.
    const other = user(path.join(root, 'home2'));
    const seen = other.run(['remote', 'add', 'nas', ...nas]);
    expect(seen.code, seen.stderr).toBe(0);
    expect(seen.stdout).toMatch(
      /holds Cairn backups of \S+; to rebuild the catalog from them: cairn remote import nas\./,
    );
    const imported = other.run(['remote', 'import', 'nas']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^home: 1 backup\(s\) imported from nas/);
    const out = path.join(root, 'restored');
    const restored = other.run(['restore', 'home/latest', '--to', out]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(diffTrees(src, path.join(out, 'docs'))).toEqual([]);
  });

  it("remote set: pushed only by hand, then a plan's own retention on the remote; wrong uses refused", () => {
    const root = tempDir('cairn-remote-set-');
    const { conf, store } = localRclone(root);
    const src = path.join(root, 'docs');
    writeTree(src, { 'a.txt': 'alpha' });
    const u = user(path.join(root, 'home'));
    const dest = path.join(root, 'dest');
    expect(u.run(['plan', 'add', 'home', '--source', src, '--dest', dest, '--keep-within', '0']).code).toBe(
      0,
    );
    const nas = ['--rclone', `here:${store}/cairn`, '--rclone-config', conf];
    expect(u.run(['remote', 'add', 'nas', '--plan', 'home', ...nas]).code).toBe(0);

    const set = u.run(['remote', 'set', 'nas', '--no-auto-push']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe('Remote nas: pushed only by hand (cairn remote push).\n');
    const first = u.run(['backup', 'home']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).not.toContain('pushed to remote nas');
    const waiting = u.json<ListItem[]>(['remote', 'list']).value.find((r) => r.name === 'nas')!;
    expect(waiting.plans[0]!.backupsOnRemote).toBe(0);
    expect(u.run(['remote', 'list']).stdout).toMatch(/\nnas\s+rclone\s+\S+\s+home\s+never \(by hand\)/);

    expect(u.run(['remote', 'push', 'nas']).code).toBe(0);
    writeTree(src, { 'b.txt': 'beta' });
    expect(u.run(['backup', 'home']).code).toBe(0);
    expect(u.run(['remote', 'push', 'nas']).code).toBe(0);
    const keep = ['--keep-last', '1', '--keep-daily', '0', '--keep-weekly', '0', '--keep-monthly', '0'];
    const rules = u.run(['remote', 'set', 'nas', '--plan', 'home', ...keep]);
    expect(rules.code, rules.stderr).toBe(0);
    expect(rules.stdout).toMatch(/Plan home there keeps last 1, daily 0, weekly 0, monthly 0, yearly 0\./);
    const prune = u.run(['remote', 'prune', 'nas']);
    expect(prune.code, prune.stderr).toBe(0);
    expect(prune.stdout).toMatch(/^home on nas: 1 backup\(s\)/);
    const left = u.json<ListItem[]>(['remote', 'list']).value.find((r) => r.name === 'nas')!;
    expect(left.plans[0]!.backupsOnRemote).toBe(1);
    // The local copy keeps both: the remote's rules are its own.
    expect(u.json<unknown[]>(['list', 'home']).value).toHaveLength(2);

    for (const bad of [
      ['remote', 'set', 'nas', '--keep-last', '1'],
      ['remote', 'set', 'nas', '--plan', 'nope', '--keep-last', '1'],
      ['remote', 'set', 'gone', '--auto-push'],
      ['remote', 'set', 'nas', '--plan', 'home', '--keep-last', '-1'],
    ]) {
      const r = u.run(bad);
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('an encrypted copy: import on a new machine takes the password from stdin, and says when it is wrong', () => {
    const root = tempDir('cairn-remote-age-');
    const { conf, store } = localRclone(root);
    const src = path.join(root, 'docs');
    writeTree(src, { 'secret.txt': 'only for me' });
    const u = user(path.join(root, 'home'));
    const pw = 'correct horse battery staple';
    expect(u.run(['plan', 'add', 'home', '--source', src, '--dest', path.join(root, 'dest')]).code).toBe(0);
    expect(u.run(['drive', 'password'], { input: `${pw}\n` }).code).toBe(0);
    expect(u.run(['backup', 'home']).code).toBe(0);
    const nas = ['--rclone', `here:${store}`, '--rclone-config', conf];
    expect(u.run(['remote', 'add', 'nas', '--plan', 'home', ...nas]).code).toBe(0);
    expect(u.run(['remote', 'push', 'nas']).code).toBe(0);
    const packs = fs.readdirSync(
      path.join(store, 'Cairn', fs.readdirSync(path.join(store, 'Cairn'))[0]!, 'home', 'packs'),
    );
    expect(packs.every((p) => p.endsWith('.tar.gz.age'))).toBe(true);

    const other = user(path.join(root, 'home2'));
    expect(other.run(['remote', 'add', 'nas', ...nas]).code).toBe(0);
    const wrong = other.run(['remote', 'import', 'nas', '--password-stdin'], { input: 'not the password\n' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/password/i);
    const empty = other.run(['remote', 'import', 'nas', '--password-stdin'], { input: '\n' });
    expect(empty.stderr).toMatch(/--password-stdin read an empty password/);
    const ok = other.run(['remote', 'import', 'nas', '--password-stdin'], { input: `${pw}\n` });
    expect(ok.code, ok.stderr).toBe(0);
    const out = path.join(root, 'restored');
    const restored = other.run(['restore', 'home/latest', '--to', out]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(fs.readFileSync(path.join(out, 'docs', 'secret.txt'), 'utf8')).toBe('only for me');
  });

  describe('on a local S3 server', () => {
    let s3: S3TestServer;
    beforeAll(async () => {
      s3 = await startS3Server();
    });
    afterAll(async () => {
      await s3?.close();
    });

    it('keys from AWS_SECRET_ACCESS_KEY; push; machines share a bucket under their own prefixes; refused keys are a warning', async () => {
      const root = tempDir('cairn-remote-s3rver-');
      const src = path.join(root, 'docs');
      writeTree(src, { 'a.txt': 'alpha', 'b.txt': 'beta'.repeat(500) });
      const u = user(path.join(root, 'home'));
      expect(u.run(['plan', 'add', 'home', '--source', src, '--dest', path.join(root, 'dest')]).code).toBe(0);
      expect(u.run(['backup', 'home']).code).toBe(0);
      const at = (prefix: string) => [
        `s3://${s3.bucket}/${prefix}`,
        '--endpoint',
        s3.endpoint,
        '--path-style',
      ];
      const keyEnv = { AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey };
      const id = ['--access-key-id', s3.credentials.accessKeyId];
      const add = await u.runAsync(['remote', 'add', 'b', '--plan', 'home', '--s3', ...at('laptop'), ...id], {
        env: keyEnv,
      });
      expect(add.code, add.stderr).toBe(0);
      expect(add.stdout).toMatch(
        /s3:\/\/cairn-test\/laptop at http:\/\/127\.0\.0\.1:\d+ is reachable and holds no Cairn backup yet/,
      );
      const push = await u.runAsync(['remote', 'push', 'b']);
      expect(push.code, push.stderr).toBe(0);
      expect(push.stdout).toMatch(/^home: 1 backup\(s\) pushed/);
      expect(JSON.parse((await u.runAsync(['--json', 'remote', 'list'])).stdout)[1]).toMatchObject({
        name: 'b',
        kind: 's3',
        state: 'ok',
      });

      // Another machine, same bucket: its own prefix is empty; the laptop's prefix holds the laptop's backups.
      const other = user(path.join(root, 'home2'));
      const own = await other.runAsync(['remote', 'add', 'mine', '--s3', ...at('desktop'), ...id], {
        env: keyEnv,
      });
      expect(own.stdout).toMatch(/holds no Cairn backup yet/);
      const shared = await other.runAsync(['remote', 'add', 'laptop', '--s3', ...at('laptop'), ...id], {
        env: keyEnv,
      });
      expect(shared.stdout).toMatch(
        /holds Cairn backups of \S+; to rebuild the catalog from them: cairn remote import laptop\./,
      );
      // Without --access-key-id the AWS SDK's own chain is used (here: AWS_* in the environment).
      const chain = await other.runAsync(['remote', 'add', 'chain', '--s3', ...at('laptop')], {
        env: s3.env,
      });
      expect(chain.stdout, chain.stderr).toMatch(/holds Cairn backups of/);

      const refused = await other.runAsync(
        ['remote', 'add', 'wrong', '--s3', ...at('x'), '--access-key-id', 'NOTTHEKEY'],
        { input: 'whatever\n' },
      );
      expect(refused.code).toBe(0);
      expect(refused.stderr).toMatch(
        /^WARNING: s3:\/\/cairn-test\/x at \S+ could not be reached: .*credentials/m,
      );
    });
  });
});
