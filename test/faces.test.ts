// Three faces, one core: the same backups with prune and Drive push, made once through `cairn backup` and
// once through `cairn serve` (the app's runtime), leave the same catalog rows and the same Drive contents.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackups } from '../electron/engine/catalog/backups';
import { openCatalog } from '../electron/engine/catalog/db';
import { findPlan } from '../electron/engine/catalog/plans';
import { iterateBackup } from '../electron/engine/catalog/versions';
import { DRIVE_SETTING_KEYS, driveSettings, setDriveSetting } from '../electron/engine/drive/pack/settings';
import { spawnEmulator, type SpawnedEmulator } from './drive-emulator/spawn';
import { cairn } from './helpers/cli';
import { tempDir } from './helpers/tmp';
import { writeTree } from './helpers/tree';
import { call, events, serve } from './serve-client';

const B_BIN = crypto.randomBytes(300_000); // the same bytes in both faces' sources
let emu: SpawnedEmulator;
beforeAll(async () => {
  emu = await spawnEmulator();
});
afterAll(async () => {
  await emu.stop();
});

/** A data folder with plan "home" (keep the last 2), pushing to the emulator as its own machine. */
function face(name: string) {
  const root = tempDir(`cairn-face-${name}-`);
  const src = path.join(root, 'src');
  writeTree(src, { 'a.txt': 'first\n', 'sub/b.bin': B_BIN });
  const dataDir = path.join(root, 'data');
  const o = { dataDir, env: emu.env };
  const add = ['plan', 'add', 'home', '--source', src, '--dest', path.join(root, 'dest')];
  expect(
    cairn(
      [...add, '--keep-last', '2', '--keep-daily', '0', '--keep-weekly', '0', '--keep-monthly', '0'].concat([
        '--keep-within',
        '0',
      ]),
      o,
    ).code,
  ).toBe(0);
  const db = openCatalog(dataDir);
  setDriveSetting(db, DRIVE_SETTING_KEYS.machine, `${name}-${crypto.randomBytes(3).toString('hex')}`);
  db.close();
  return { root, src, dataDir, o };
}

/** Edits between backups, the same for both faces. */
function change(src: string, i: number): void {
  fs.writeFileSync(path.join(src, 'a.txt'), `version ${i}\n`);
  fs.writeFileSync(path.join(src, `new-${i}.txt`), `added in round ${i}\n`.repeat(100));
}

/** What a user would compare: the backups kept, what each holds, what was logged, what Drive has. */
async function outcome(dataDir: string) {
  const db = openCatalog(dataDir);
  try {
    const plan = findPlan(db, 'home')!;
    const backups = listBackups(db, { planId: plan.id }).map((b) => ({
      status: b.status,
      files: b.files,
      bytes: b.bytes,
      newFiles: b.newFiles,
      content: [...iterateBackup(db, plan.id, b.id)]
        .map((v) => `${v.path} ${v.size} ${v.sha256 ?? ''}`)
        .sort()
        .join('\n'),
    }));
    const kinds = (
      db.prepare('SELECT kind, level FROM activity WHERE plan_id = ? ORDER BY id').all(plan.id) as {
        kind: string;
        level: string;
      }[]
    )
      .filter((a) => a.kind !== 'settings')
      .map((a) => `${a.kind}:${a.level}`);
    const { machine } = driveSettings(db);
    return {
      backups,
      kinds: [...new Set(kinds)].sort(),
      drive: await driveOf(machine),
    };
  } finally {
    db.close();
  }
}

/** The machine's files on the emulator, by kind: manifests and packs (names differ, counts and sizes not). */
async function driveOf(machine: string) {
  const { files } = await emu.state();
  const byId = new Map(files.map((f) => [f.id, f]));
  const pathOf = (f: (typeof files)[number]): string[] => {
    const parent = f.parents[0] ? byId.get(f.parents[0]) : undefined;
    return parent ? [...pathOf(parent), f.name] : [f.name];
  };
  const mine = files.filter((f) => !f.trashed && pathOf(f).includes(machine));
  const kind = (re: RegExp) => mine.filter((f) => re.test(f.name));
  return {
    manifests: kind(/^\d{4}-\d\d-\d\d_\d{6}\.tsv\.gz(\.age)?$/).length,
    packs: kind(/\.tar\.gz(\.age)?$/).length,
    readme: kind(/^README\.txt$/).length,
  };
}

describe('the CLI and cairn serve, same backups', () => {
  it('leave the same catalog rows and the same Drive contents (prune and push included)', async () => {
    const cli = face('cli');
    for (let i = 1; i <= 3; i++) {
      change(cli.src, i);
      const r = cairn(['backup', 'home'], cli.o);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/pushed to Google Drive/);
    }

    const app = face('serve');
    const s = await serve(app.dataDir, emu.env);
    try {
      for (let i = 1; i <= 3; i++) {
        change(app.src, i);
        // The run, then its push and Drive prune (the runtime lets them go on after the run): wait for the
        // push's end on the event stream.
        const pushed = events(
          s,
          (type, data) =>
            type === 'driveProgress' && ['done', 'failed'].includes((data as { phase: string }).phase),
        );
        await new Promise((r) => setTimeout(r, 100));
        const started = await call(s, 'runNow', { plan: 'home' });
        expect(started.status, started.body).toBe(200);
        const last = (await pushed).at(-1)!.data as { phase: string; message: string };
        expect(last, last.message).toMatchObject({ phase: 'done' });
      }
    } finally {
      s.proc.kill('SIGTERM');
      await s.exited;
    }

    const a = await outcome(cli.dataDir);
    const b = await outcome(app.dataDir);
    expect(a.backups).toHaveLength(2); // the plan keeps the last 2: the first was pruned
    expect(b.backups).toEqual(a.backups);
    expect(b.kinds).toEqual(a.kinds);
    expect(a.drive).toMatchObject({ manifests: 2, readme: 1 }); // Drive follows the plan's retention
    expect(b.drive).toEqual(a.drive);
  });
});
