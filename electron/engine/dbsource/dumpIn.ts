import fs from 'node:fs';
import path from 'node:path';
import { hashFile } from '../format/hash';
import { planLayout } from '../format/layout';
import { ManifestReader } from '../format/manifest';
import type { BackupRecord } from '../catalog/backups';
import type { Plan } from '../catalog/plans';
import { CairnError, describeError } from '../errors';
import { readSourceInfo, type SourceInfo } from './info';

export interface DumpInBackup {
  info: SourceInfo;
  /** The dump's absolute path in the backup folder (never written to). */
  file: string;
  size: number;
}

async function manifestSha(manifestFile: string, rel: string): Promise<string | null> {
  fs.accessSync(manifestFile, fs.constants.R_OK);
  const m = await ManifestReader.open(manifestFile);
  try {
    for (let e = await m.peek(); e; e = await m.peek()) {
      m.advance();
      if (e.path === rel && e.kind === 'f') return e.sha256;
    }
    return null;
  } finally {
    m.close();
  }
}

/**
 * Finds a database's dump in a backup and checks it against its SHA-256 in the manifest before anything
 * uses it, so a dump damaged on the backup disk is never restored as if it were good.
 */
export async function checkedDump(plan: Plan, backup: BackupRecord, label: string): Promise<DumpInBackup> {
  const layout = planLayout(plan.dest, plan.name);
  const name = `${plan.name}/${backup.stamp}`;
  const dir = path.join(layout.backupDir(backup.stamp), label);
  if (!fs.existsSync(layout.backupDir(backup.stamp)))
    throw new CairnError(
      'dest-missing',
      `The folder of backup ${name} is not there; is the backup disk plugged in?`,
    );
  const info = readSourceInfo(dir);
  if (!info)
    throw new CairnError(
      'not-found',
      `Backup ${name} holds no database dump named "${label}" (the dump may have failed that day).`,
    );
  const file = path.join(dir, info.file);
  let want: string | null;
  try {
    want = await manifestSha(layout.manifestFile(backup.stamp), `${label}/${info.file}`);
  } catch (e) {
    throw new CairnError('corrupt', `The manifest of backup ${name} cannot be read (${describeError(e)}).`);
  }
  if (!want)
    throw new CairnError('corrupt', `The manifest of backup ${name} does not list ${label}/${info.file}.`);
  let got: { sha256: string; size: number };
  try {
    got = await hashFile(file);
  } catch (e) {
    throw new CairnError(
      'corrupt',
      `The dump ${label}/${info.file} of ${name} cannot be read (${describeError(e)}).`,
    );
  }
  if (got.sha256 !== want)
    throw new CairnError(
      'corrupt',
      `The dump ${label}/${info.file} of ${name} does not match its SHA-256 in the manifest: it was damaged on the backup disk; use an earlier backup.`,
    );
  return { info, file, size: got.size };
}
