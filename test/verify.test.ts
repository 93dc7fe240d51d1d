import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listActivity } from '../electron/engine/catalog/activity';
import { getBackupById } from '../electron/engine/catalog/backups';
import type { VerifyRunResult } from '../electron/engine/verify/run';
import { cairn, cairnJson } from './helpers/cli';
import { planKit } from './helpers/restoreKit';
import { writeTree } from './helpers/tree';

describe('cairn verify', () => {
  it('finds a flipped byte, a truncated file, a deleted file and an extra one, by path, with exit 1', async () => {
    const k = planKit();
    const big = Buffer.alloc(300_000, 7);
    writeTree(k.source, {
      'same1.txt': 'unchanged one',
      'same2.bin': big,
      'sub/same3.txt': 'unchanged three',
      'sub/link': { symlink: '../same1.txt' },
      'old.txt': 'first version',
    });
    const b1 = await k.backup();
    writeTree(k.source, { 'flip.bin': big, 'trunc.txt': 'a longer text to cut', 'gone.txt': 'soon deleted' });
    fs.writeFileSync(path.join(k.source, 'old.txt'), 'second version');
    const b2 = await k.backup();

    const ok = cairnJson<VerifyRunResult>(['verify', '--all'], { dataDir: k.dataDir });
    expect(ok.code).toBe(0);
    expect(ok.value.results.map((r) => [r.stamp, r.result])).toEqual([
      [b2.stamp, 'intact'],
      [b1.stamp, 'intact'],
    ]);
    // b1's unchanged files are hard links b2 already read: read once per run.
    expect(ok.value.results[1]!.sharedFiles).toBe(3);
    expect(ok.value.results[1]!.hashedFiles).toBe(1);

    const dir = path.join(k.dest, 'home', b2.stamp, 'src');
    const fd = fs.openSync(path.join(dir, 'flip.bin'), 'r+');
    fs.writeSync(fd, Buffer.from([8]), 0, 1, 123_456);
    fs.closeSync(fd);
    fs.truncateSync(path.join(dir, 'trunc.txt'), 5);
    fs.rmSync(path.join(dir, 'gone.txt'));
    fs.writeFileSync(path.join(dir, 'sub', 'stray.txt'), 'not in the manifest');

    const bad = cairn(['verify', `home/${b2.stamp}`], { dataDir: k.dataDir });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`home/${b2.stamp}: damaged: 1 missing, 2 changed, 1 extra`);
    expect(bad.stderr).toMatch(/CHANGED: src\/flip\.bin: content differs/);
    expect(bad.stderr).toMatch(/CHANGED: src\/trunc\.txt: is 5 bytes, the manifest says 20 \(truncated\)/);
    expect(bad.stderr).toMatch(/MISSING: src\/gone\.txt/);
    expect(bad.stderr).toMatch(/EXTRA: src\/sub\/stray\.txt/);

    // Recorded on the backup and in the activity log; b1 (sharing none of the damage) stays intact.
    expect(getBackupById(k.db, b2.id)!.verifyResult).toBe('damaged: 1 missing, 2 changed, 1 extra');
    expect(getBackupById(k.db, b2.id)!.verifiedAt).toBeGreaterThan(0);
    const log = listActivity(k.db, { kind: 'verify' });
    expect(log[0]!.level).toBe('error');
    expect(log[0]!.message).toContain('damaged');
    expect(cairn(['verify', `home/${b1.stamp}`], { dataDir: k.dataDir }).code).toBe(0);
    const test = cairnJson<VerifyRunResult>(['verify', `home/${b1.stamp}`, '--restore-test'], {
      dataDir: k.dataDir,
    });
    expect(test.code).toBe(0);
    expect(test.value.results[0]!.result).toBe('intact; restore test passed (4 files)');
    const badTest = cairn(['verify', `home/${b2.stamp}`, '--restore-test'], { dataDir: k.dataDir });
    expect(badTest.code).toBe(1);
    expect(badTest.stderr).toMatch(/NOT RESTORED: src\/flip\.bin: content does not match/);

    const sample = cairnJson<VerifyRunResult>(['verify', `home/${b2.stamp}`, '--sample', '10'], {
      dataDir: k.dataDir,
    });
    expect(sample.code).toBe(1); // the truncated and missing files are found without reading
    expect(sample.value.results[0]!.result).toMatch(/\(10% sample\)$/);

    fs.rmSync(path.join(k.dest, 'home', '.cairn', 'manifests', `${b1.stamp}.tsv.gz`));
    const lost = cairn(['verify', `home/${b1.stamp}`], { dataDir: k.dataDir });
    expect(lost.code).toBe(1);
    expect(lost.stderr).toMatch(/MISSING: \(backup folder\): the manifest cannot be read/);
  });

  it('exits 2 when there is nothing to verify or the newest backup is too old', async () => {
    const k = planKit();
    expect(cairn(['verify'], { dataDir: k.dataDir }).code).toBe(2);
    writeTree(k.source, { 'a.txt': 'a' });
    // A minute ago: the kit's clock would put it up to a second ahead, and a fast CLI would see it as new.
    await k.backup({ at: Date.now() - 60_000 });
    expect(cairn(['verify'], { dataDir: k.dataDir }).code).toBe(0);
    const old = cairn(['verify', '--max-age-hours', '0'], { dataDir: k.dataDir });
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/STALE: the newest backup of home/);
  });
});
