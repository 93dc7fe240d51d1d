import fs from 'node:fs';
import type { z } from 'zod';
import type { ImageType } from '../../../../../shared/contract';
import type { Db } from '../../../catalog/db';
import { getPlan } from '../../../catalog/plans';
import { fileTimeline } from '../../../catalog/timeline';
import { CairnError } from '../../../errors';
import { displayName } from '../../../format/fsName';
import { planLayout } from '../../../format/layout';
import { openBackupFile, readHead, type OpenBackupFile } from '../../../restore/backupFile';
import { UnsafePath } from '../../../restore/safePath';
import type { HandlerGroup } from '../context';
import { ServiceError } from '../errors';
import { backupOf } from './backups';

const TEXT_DEFAULT = 256 << 10;
const IMAGE_MAX = 4 << 20;

/**
 * Opens a file of a kept backup from its folder on disk, confined to that folder (restore/backupFile.ts);
 * the caller closes `fd`. A path that would leave the folder is invalid input.
 */
export function openVersionFile(db: Db, plan: string, stamp: string, path: string): OpenBackupFile {
  const { plan: p, backup } = backupOf(db, plan, stamp);
  try {
    return openBackupFile(planLayout(p.dest, p.name).backupDir(backup.stamp), path);
  } catch (e) {
    if (e instanceof UnsafePath)
      throw new ServiceError('invalid-input', `Cairn does not read "${path}" from a backup: ${e.message}.`);
    throw e;
  }
}

type Mime = z.output<typeof ImageType>;

/** PNG, JPEG, GIF or WebP by the file's first bytes, else null. */
export function imageType(b: Buffer): Mime | null {
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  const ascii = b.subarray(0, 12).toString('latin1');
  if (ascii.startsWith('GIF87a') || ascii.startsWith('GIF89a')) return 'image/gif';
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** Drops a UTF-8 sequence cut short at the end (a text read up to a limit). */
function wholeSequences(b: Buffer): Buffer {
  for (let i = b.length - 1; i >= Math.max(0, b.length - 4); i--) {
    const c = b[i]!;
    if ((c & 0xc0) === 0x80) continue;
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return i + need > b.length ? b.subarray(0, i) : b;
  }
  return b;
}

/** The bytes as text when they are valid UTF-8 without NUL, else null. */
export function asText(b: Buffer, cut: boolean): string | null {
  const whole = cut ? wholeSequences(b) : b;
  if (whole.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(whole);
  } catch {
    return null;
  }
}

/** What an open file holds: text up to maxBytes, an image up to 4 MiB, or binary. */
function readContent(f: OpenBackupFile, maxBytes: number) {
  const head = readHead(f.fd, Math.min(f.size, Math.max(maxBytes, 16)));
  const mime = imageType(head);
  if (mime) {
    const whole = f.size <= IMAGE_MAX;
    const data = whole ? (head.length === f.size ? head : readHead(f.fd, f.size)) : null;
    const base64 = data ? data.toString('base64') : null;
    return { type: 'image' as const, text: null, base64, mime, truncated: !whole };
  }
  const cut = f.size > maxBytes;
  const text = asText(head.subarray(0, maxBytes), cut);
  if (text === null)
    return { type: 'binary' as const, text: null, base64: null, mime: null, truncated: f.size > 0 };
  return { type: 'text' as const, text, base64: null, mime: null, truncated: cut };
}

/** The file timeline: every version of a path, and a version's content for a preview or a diff. */
export const timelineHandlers: HandlerGroup<'fileTimeline' | 'fileRead'> = {
  fileTimeline: (i, c) => {
    const t = performance.now();
    const plan = getPlan(c.db, i.plan);
    const path = i.path.replace(/^\/+|\/+$/g, '');
    const versions = fileTimeline(c.db, plan.id, path);
    if (versions.length === 0)
      throw new CairnError('not-found', `No kept backup of plan ${plan.name} holds ${displayName(path)}.`);
    return {
      plan: plan.name,
      path,
      displayPath: displayName(path),
      versions,
      elapsedMs: Math.round(performance.now() - t),
    };
  },
  fileRead: (i, c) => {
    const f = openVersionFile(c.db, i.plan, i.stamp, i.path);
    try {
      const content = readContent(f, i.maxBytes ?? TEXT_DEFAULT);
      return { plan: i.plan, stamp: i.stamp, path: i.path, file: f.file, size: f.size, ...content };
    } finally {
      fs.closeSync(f.fd);
    }
  },
};
