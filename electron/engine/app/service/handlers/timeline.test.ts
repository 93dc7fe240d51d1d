import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRig, type Rig } from '../../../../../test/helpers/engine';
import { tempDir } from '../../../../../test/helpers/tmp';
import { FileSecretStore } from '../../../secrets/store';
import { CairnService } from '../service';

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(40, 1)]);

async function rigWithFiles(): Promise<{ rig: Rig; api: ReturnType<CairnService['api']>; stamp: string }> {
  const rig = makeRig();
  const outside = tempDir('cairn-outside-');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'not in any backup\n');
  fs.writeFileSync(path.join(rig.src, 'notes.txt'), 'héllo\nwörld\n');
  fs.writeFileSync(path.join(rig.src, 'pic.png'), PNG);
  fs.writeFileSync(path.join(rig.src, 'data.bin'), Buffer.from([1, 2, 0, 3]));
  fs.writeFileSync(path.join(rig.src, 'long.txt'), 'é'.repeat(1000));
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(rig.src, 'file-link'));
  fs.symlinkSync(outside, path.join(rig.src, 'dir-link'));
  const stamp = (await rig.backup()).backup.stamp;
  const service = new CairnService({ db: rig.db, actor: 'test', secrets: new FileSecretStore(rig.dataDir) });
  return { rig, api: service.api(), stamp };
}

describe('fileRead', () => {
  it('reads text, images and binary from the backup folder, text up to maxBytes', async () => {
    const { rig, api, stamp } = await rigWithFiles();
    const read = (p: string, maxBytes?: number) => api.fileRead({ plan: 'docs', stamp, path: p, maxBytes });
    const text = await read('src/notes.txt');
    expect(text.ok && text.value).toMatchObject({
      type: 'text',
      text: 'héllo\nwörld\n',
      truncated: false,
      file: path.join(rig.backupDir(stamp), 'src', 'notes.txt'),
    });
    const img = await read('src/pic.png');
    expect(img.ok && [img.value.type, img.value.mime, img.value.base64]).toEqual([
      'image',
      'image/png',
      PNG.toString('base64'),
    ]);
    const bin = await read('src/data.bin');
    expect(bin.ok && [bin.value.type, bin.value.text]).toEqual(['binary', null]);
    // Cut in the middle of a two-byte character: the half is dropped, the rest is text.
    const cut = await read('src/long.txt', 101);
    expect(cut.ok && [cut.value.type, cut.value.text, cut.value.truncated]).toEqual([
      'text',
      'é'.repeat(50),
      true,
    ]);
  });

  it('refuses a path with .., a symlink, and a folder that is a symlink pointing out', async () => {
    const { api, stamp } = await rigWithFiles();
    const read = (p: string) => api.fileRead({ plan: 'docs', stamp, path: p });
    for (const p of ['src/../../../../etc/passwd', 'src/./notes.txt', '/etc/passwd', 'src/file-link']) {
      const r = await read(p);
      expect(r.ok ? 'read' : r.error.code, p).toBe('invalid-input');
    }
    const through = await read('src/dir-link/secret.txt');
    expect(through.ok ? 'read' : through.error.message).toMatch(/"src\/dir-link" is a symlink/);
    const gone = await read('src/nothing.txt');
    expect(gone.ok ? 'read' : gone.error.code).toBe('not-found');
  });
});

describe('fileTimeline (method)', () => {
  it('answers the versions of a path, and not-found for a path no backup holds', async () => {
    const { api, stamp } = await rigWithFiles();
    const t = await api.fileTimeline({ plan: 'docs', path: 'src/notes.txt' });
    expect(t.ok && t.value.versions.map((v) => [v.kind, v.change, v.stamps])).toEqual([
      ['file', 'first', [stamp]],
    ]);
    const none = await api.fileTimeline({ plan: 'docs', path: 'src/nothing.txt' });
    expect(none.ok ? 'found' : none.error.code).toBe('not-found');
  });
});
