import type { drive_v3 } from '@googleapis/drive';
import type { ErrorDetails } from './errors';
import type { DriveFile, ListQuery } from './types';

/** The fields Cairn asks for: Drive answers only id, name and mimeType unless asked. */
export const FILE_FIELDS = 'id,name,mimeType,size,md5Checksum,appProperties,parents,createdTime,webViewLink';

/** Quotes a value for Drive's query language. */
export function qstr(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Builds the `q` expression of a ListQuery (trashed files never match). */
export function buildQuery(q: ListQuery): string {
  const parts = ['trashed = false'];
  if (q.parentId) parts.push(`${qstr(q.parentId)} in parents`);
  if (q.name !== undefined) parts.push(`name = ${qstr(q.name)}`);
  if (q.mimeType) parts.push(`mimeType = ${qstr(q.mimeType)}`);
  for (const [k, v] of Object.entries(q.appProperties ?? {})) {
    parts.push(`appProperties has { key=${qstr(k)} and value=${qstr(v)} }`);
  }
  return parts.join(' and ');
}

/** Drive's file resource as a DriveFile (sizes are int64 strings on the wire). */
export function toFile(f: drive_v3.Schema$File): DriveFile {
  return {
    id: f.id ?? '',
    name: f.name ?? '',
    mimeType: f.mimeType ?? '',
    size: f.size === undefined || f.size === null ? null : Number(f.size),
    md5Checksum: f.md5Checksum ?? null,
    appProperties: (f.appProperties as Record<string, string> | undefined) ?? {},
    parents: f.parents ?? [],
    createdTime: f.createdTime ?? null,
    webViewLink: f.webViewLink ?? null,
  };
}

/** Sorts by creation time, then id, so "the oldest of duplicates" is stable. */
export function oldestFirst(a: DriveFile, b: DriveFile): number {
  const t = (a.createdTime ?? '').localeCompare(b.createdTime ?? '');
  return t !== 0 ? t : a.id.localeCompare(b.id);
}

/** A failure after which the server may have done the work anyway (the answer was lost). */
export function ambiguous(d: ErrorDetails): boolean {
  return d.network || (d.status !== null && d.status >= 500);
}
