import { describe, expect, it } from 'vitest';
import { randomFile } from '../../../test/drive-emulator/harness';
import { useEmulator } from '../../../test/helpers/driveClient';
import type { DriveRemote, UploadSession } from './types';

const MiB = 1024 * 1024;
const drive = useEmulator();

/** A fresh remote: what another process (the next push) would have. */
const open = async (): Promise<DriveRemote> => (await drive.open()).remote;

/** A session hook over a variable, as the catalog keeps it; `events` records save and forget. */
function keeper(uri: string | null = null) {
  const k: UploadSession & { events: string[]; saved: string | null; opened: string[] } = {
    uri,
    saved: uri,
    events: [],
    opened: [],
    save: (u) => {
      k.saved = u;
      k.opened.push(u);
      k.events.push('save');
    },
    forget: () => {
      k.saved = null;
      k.events.push('forget');
    },
  };
  return k;
}

/** Uploads `file` with `session` until the upload has handed over `stopAt` bytes, then aborts it. */
async function uploadStopped(file: string, session: UploadSession, stopAt: number): Promise<void> {
  const remote = await open();
  const parentId = (await remote.ensureFolder(['Cairn', 'sessions'])).id;
  const ac = new AbortController();
  const stopped = remote.upload({
    parentId,
    name: 'big.bin',
    source: { path: file },
    session,
    signal: ac.signal,
    onProgress: (n) => (n >= stopAt ? ac.abort() : undefined),
  });
  await expect(stopped).rejects.toMatchObject({ code: 'cancelled' });
}

async function upload(file: string, session: UploadSession) {
  const remote = await open();
  const parentId = (await remote.ensureFolder(['Cairn', 'sessions'])).id;
  return remote.upload({ parentId, name: 'big.bin', source: { path: file }, session });
}

describe('resumable sessions kept by the caller', () => {
  it('a saved session is continued by another remote: only the bytes Drive lacks are sent', async () => {
    const { file, md5 } = randomFile(drive.work, 'a.bin', 20 * MiB + 123);
    const k = keeper();
    await uploadStopped(file, k, 16 * MiB); // the second 8 MiB chunk is stopped before it goes
    expect(k.events).toEqual(['save']);
    expect(drive.emu.count('files.create.resumable')).toBe(1);
    const sentBefore = drive.emu.uploadedBytes();
    expect(sentBefore).toBe(8 * MiB);

    const r = await upload(file, keeper(k.saved));
    expect(r.file.md5Checksum).toBe(md5);
    expect(drive.emu.uploadedBytes() - sentBefore).toBe(20 * MiB + 123 - 8 * MiB);
    expect(drive.emu.count('files.create.resumable')).toBe(1);
    expect(drive.emu.count('files.upload.status', 308)).toBe(1);
  });

  it('a saved session whose upload had finished answers with the file: nothing is sent again', async () => {
    const { file, md5 } = randomFile(drive.work, 'b.bin', 9 * MiB);
    const k = keeper();
    const first = await upload(file, k);
    expect(k.events).toEqual(['save', 'forget']);
    // As if the push was killed after the last byte, before the catalog heard: the URI was still saved.
    const sent = drive.emu.uploadedBytes();
    const again = keeper(k.opened[0]);
    const r = await upload(file, again);
    expect(r.file).toMatchObject({ id: first.file.id, md5Checksum: md5 });
    expect(drive.emu.uploadedBytes()).toBe(sent);
    expect(again.events).toEqual(['forget']);
  });

  it('a session Drive forgot is replaced by a new one, and the upload completes', async () => {
    const { file, md5 } = randomFile(drive.work, 'c.bin', 12 * MiB);
    const k = keeper();
    await uploadStopped(file, k, 12 * MiB);
    expect(drive.emu.expireSessions()).toBe(1);
    const again = keeper(k.saved);
    const r = await upload(file, again);
    expect(r.file.md5Checksum).toBe(md5);
    expect(drive.emu.count('files.upload.status', 404)).toBe(1);
    expect(drive.emu.count('files.create.resumable')).toBe(2);
    expect(again.events).toEqual(['forget', 'save', 'forget']);
  });

  it('cancelUpload sends DELETE on the session URI; an unknown session is no error', async () => {
    const { file } = randomFile(drive.work, 'd.bin', 20 * MiB);
    const k = keeper();
    await uploadStopped(file, k, 16 * MiB);
    const remote = await open();
    await remote.cancelUpload(k.saved!);
    expect(drive.emu.count('files.upload.cancel', 499)).toBe(1);
    await remote.cancelUpload(k.saved!);
    expect(drive.emu.count('files.upload.cancel', 404)).toBe(1);
    // The cancelled session is gone: continuing it starts over with a new one.
    const again = keeper(k.saved);
    await upload(file, again);
    expect(again.events).toEqual(['forget', 'save', 'forget']);
  });
});
