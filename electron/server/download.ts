import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import { DownloadQuery } from '../../shared/contract';
import { openVersionFile } from '../engine/app/service/handlers/timeline';
import { ServiceError } from '../engine/app/service/errors';
import type { CairnService } from '../engine/app/service/service';
import { CairnError } from '../engine/errors';
import type { OpenBackupFile } from '../engine/restore/backupFile';
import { decodeName } from '../engine/format/fsName';

/** A query value percent-decoded to its bytes, then to Cairn's string form of a name (see fsName.ts). */
function bytesParam(search: string, key: string): string | undefined {
  for (const part of search.replace(/^\?/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq) !== key) continue;
    const v = part.slice(eq + 1).replace(/\+/g, ' ');
    const bytes: number[] = [];
    for (let i = 0; i < v.length; i++) {
      const hex = v[i] === '%' ? /^[0-9a-fA-F]{2}$/.exec(v.slice(i + 1, i + 3)) : null;
      if (hex) {
        bytes.push(parseInt(hex[0], 16));
        i += 2;
      } else bytes.push(...Buffer.from(v[i]!, 'utf8'));
    }
    return decodeName(Buffer.from(bytes));
  }
  return undefined;
}

/** `filename*` (RFC 5987/6266) with a plain ASCII `filename` for old clients. */
export function contentDisposition(name: string): string {
  const utf8 = name.replace(/[\uDC80-\uDCFF]/gu, '_');
  const ascii = utf8.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const star = encodeURIComponent(utf8).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${star}`;
}

export type DownloadOpen =
  | { ok: true; file: OpenBackupFile; name: string }
  | { ok: false; status: number; code: string; message: string };

/** Checks the query of `GET /api/download` and opens the file it names, confined to its backup folder. */
export function openDownload(service: CairnService, url: URL): DownloadOpen {
  const q = DownloadQuery.safeParse({
    plan: url.searchParams.get('plan') ?? undefined,
    stamp: url.searchParams.get('stamp') ?? undefined,
    path: bytesParam(url.search, 'path'),
  });
  if (!q.success)
    return {
      ok: false,
      status: 400,
      code: 'invalid-input',
      message: 'Name the file to download as ?plan=PLAN&stamp=STAMP&path=PATH.',
    };
  try {
    const file = openVersionFile(service.ctx.db, q.data.plan, q.data.stamp, q.data.path);
    return { ok: true, file, name: q.data.path.slice(q.data.path.lastIndexOf('/') + 1) };
  } catch (e) {
    if (e instanceof CairnError && e.code === 'not-found')
      return { ok: false, status: 404, code: e.code, message: e.message };
    if (e instanceof ServiceError) return { ok: false, status: 400, code: e.code, message: e.message };
    throw e;
  }
}

/** Sends an open file as an attachment (HEAD: the headers only), then closes it. */
export function sendDownload(
  res: ServerResponse,
  d: { file: OpenBackupFile; name: string },
  head: boolean,
): void {
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(d.file.size),
    'Content-Disposition': contentDisposition(d.name),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  if (head) {
    fs.closeSync(d.file.fd);
    res.end();
    return;
  }
  const stream = fs.createReadStream('', { fd: d.file.fd, start: 0, end: Math.max(0, d.file.size - 1) });
  if (d.file.size === 0) {
    stream.destroy();
    res.end();
    return;
  }
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}
