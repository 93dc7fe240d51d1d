import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRig, type Rig } from '../../../../../test/helpers/engine';
import { value } from '../../../../../test/helpers/service';
import { writeTree } from '../../../../../test/helpers/tree';
import { FileSecretStore } from '../../../secrets/store';
import { CairnService } from '../service';

let rig: Rig | null = null;
afterEach(() => {
  rig?.db.close();
  rig = null;
});

describe('backupChanges', () => {
  it('answers against the backup before, any other backup in either order, one folder at a time', async () => {
    rig = makeRig();
    const r = rig;
    writeTree(r.src, { 'a.txt': 'one', 'docs/b.txt': 'bee', 'docs/c.txt': 'sea' });
    const s1 = (await r.backup()).backup.stamp;
    writeTree(r.src, { 'docs/new-1.txt': 'new one', 'docs/new-2.txt': 'new two' });
    fs.rmSync(path.join(r.src, 'docs', 'c.txt'));
    const s2 = (await r.backup()).backup.stamp;
    fs.writeFileSync(path.join(r.src, 'a.txt'), 'one, edited');
    const s3 = (await r.backup()).backup.stamp;
    const api = new CairnService({ db: r.db, actor: 'test', secrets: new FileSecretStore(r.dataDir) }).api();

    const first = value(await api.backupChanges({ plan: 'docs', stamp: s1 }));
    expect(first.older).toBeNull();
    expect(first.summary.added.count).toBe(3);

    const last = value(await api.backupChanges({ plan: 'docs', stamp: 'latest' }));
    expect([last.newer.stamp, last.older?.stamp]).toEqual([s3, s2]);
    expect(last.summary).toEqual({
      added: { count: 0, bytes: 0 },
      changed: { count: 1, bytes: 11 },
      removed: { count: 0, bytes: 0 },
    });
    expect(last.entries.map((e) => [e.path, e.kind, e.change])).toEqual([['src', 'dir', null]]);

    const span = value(await api.backupChanges({ plan: 'docs', stamp: s3, against: s1, path: 'src/docs' }));
    expect(span.summary).toMatchObject({ added: { count: 2 }, changed: { count: 1 }, removed: { count: 1 } });
    expect(span.entries.map((e) => [e.name, e.change])).toEqual([
      ['c.txt', 'removed'],
      ['new-1.txt', 'added'],
      ['new-2.txt', 'added'],
    ]);
    expect(span.entries[0]).toMatchObject({ kind: 'file', before: { kind: 'file', size: 3 }, after: null });
    // The older one named first: the same comparison.
    const swapped = value(
      await api.backupChanges({ plan: 'docs', stamp: s1, against: s3, path: 'src/docs' }),
    );
    expect([swapped.newer.stamp, swapped.older?.stamp, swapped.total]).toEqual([s3, s1, 3]);

    const page = value(
      await api.backupChanges({
        plan: 'docs',
        stamp: s3,
        against: s1,
        path: 'src/docs',
        change: 'added',
        limit: 1,
      }),
    );
    expect([page.entries.map((e) => e.name), page.total, page.nextOffset]).toEqual([['new-1.txt'], 2, 1]);
    const found = value(await api.backupChanges({ plan: 'docs', stamp: s3, against: s1, query: 'NEW-2' }));
    expect(found.entries.map((e) => [e.name, e.below?.added.count])).toEqual([['src', 1]]);

    const missing = await api.backupChanges({ plan: 'docs', stamp: s3, against: '2020-01-01_000000' });
    expect(missing.ok ? null : missing.error.code).toBe('not-found');
  });
});
