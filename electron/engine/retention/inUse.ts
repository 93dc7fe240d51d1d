import fs from 'node:fs';
import path from 'node:path';
import type { PlanLayout } from '../format/layout';
import { alive } from '../backup/lock';

const dirOf = (layout: PlanLayout) => path.join(layout.meta, 'in-use');

/**
 * Marks a backup as being read (a restore or verify is under way), so that a prune running meanwhile (after
 * a scheduled backup) keeps it. Returns the function that removes the mark. Best effort: a destination that
 * cannot be written only loses this protection.
 */
export function markInUse(layout: PlanLayout, stamp: string): () => void {
  const file = path.join(dirOf(layout), `${stamp}.${process.pid}.${Math.random().toString(36).slice(2, 8)}`);
  try {
    fs.mkdirSync(dirOf(layout), { recursive: true });
    fs.writeFileSync(file, '');
  } catch {
    return () => undefined;
  }
  return () => fs.rmSync(file, { force: true });
}

/** Stamps of backups a live process is reading now (marks left by dead processes are removed). */
export function inUseStamps(layout: PlanLayout): Set<string> {
  const out = new Set<string>();
  let names: string[];
  try {
    names = fs.readdirSync(dirOf(layout));
  } catch {
    return out;
  }
  for (const n of names) {
    const m = /^(.+)\.(\d+)\.[a-z0-9]+$/.exec(n);
    if (m && alive(Number(m[2]))) out.add(m[1]!);
    else fs.rmSync(path.join(dirOf(layout), n), { force: true });
  }
  return out;
}
