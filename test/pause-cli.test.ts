import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn, cairnJson } from './helpers/cli';
import { tempDir } from './helpers/tmp';
import { writeTree } from './helpers/tree';

type PauseJson = { pause: { since: number; until: number | null } | null };

describe('cairn pause and resume (the pause the app and `cairn serve` share)', () => {
  it('pauses for a while or until resumed, shows it in cairn status, and resumes', () => {
    const root = tempDir();
    const dataDir = path.join(root, 'data');
    writeTree(path.join(root, 'src'), { 'a.txt': 'alpha' });
    const add = ['plan', 'add', 'home', '--source', path.join(root, 'src'), '--dest', path.join(root, 'd')];
    expect(cairn(add, { dataDir }).code).toBe(0);

    const hour = cairnJson<PauseJson>(['pause', '--for', '1h'], { dataDir });
    expect(hour.code).toBe(0);
    const p = hour.value.pause!;
    expect(p.until! - p.since).toBe(3_600_000);
    const status = cairn(['status'], { dataDir });
    expect(status.stdout).toMatch(
      /Scheduled and after-change backups are paused until \d{4}-\d\d-\d\d \d\d:\d\d/,
    );
    expect(cairnJson<{ pause: unknown }>(['status'], { dataDir }).value.pause).toEqual(p);

    const open = cairn(['pause'], { dataDir });
    expect(open.stdout).toMatch(/paused until you resume; a backup you start still runs/);
    // The next scheduled run is not promised while the pause holds it.
    expect(cairn(['status'], { dataDir }).stdout).toMatch(/^home .* paused until you resume$/m);
    // A backup started by hand still runs.
    expect(cairn(['backup', 'home'], { dataDir }).code).toBe(0);

    const bad = cairn(['pause', '--for', 'soon'], { dataDir });
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/--for takes 30m, 1h or 2d/)]);

    expect(cairnJson<PauseJson>(['resume'], { dataDir }).value.pause).toBeNull();
    expect(cairn(['status'], { dataDir }).stdout).not.toMatch(/paused/);
    expect(cairn(['status'], { dataDir }).stdout).toMatch(/^home .* next \d{4}-\d\d-\d\d \d\d:\d\d/m);
    expect(cairn(['log', '--kind', 'settings'], { dataDir }).stdout).toMatch(/backups resumed/);
  });
});
