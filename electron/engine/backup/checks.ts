import fs from 'node:fs';
import path from 'node:path';
import type { Plan } from '../catalog/plans';
import { CairnError, errnoCode } from '../errors';
import { realish, refusePseudoFs } from '../format/pseudoFs';

export { realish };

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Refuses a destination inside a source or a source inside the destination. */
export function checkOverlap(dest: string, sources: string[]): void {
  const d = realish(dest);
  for (const s of sources) {
    const r = realish(s);
    if (inside(d, r)) {
      throw new CairnError(
        'dest-overlap',
        `The backup folder ${dest} is inside the source ${s}; choose a folder outside what you back up.`,
      );
    }
    if (inside(r, d)) {
      throw new CairnError(
        'dest-overlap',
        `The source ${s} is inside the backup folder ${dest}; choose another source or backup folder.`,
      );
    }
  }
}

/** Checks that every source is an existing, readable folder. */
export function checkSources(sources: string[]): void {
  for (const s of sources) {
    if (!path.isAbsolute(s)) throw new CairnError('usage', `The source ${s} must be an absolute path.`);
    refusePseudoFs(s, 'The source');
    let st: fs.Stats;
    try {
      st = fs.statSync(s);
    } catch (e) {
      throw new CairnError(
        'source-missing',
        errnoCode(e) === 'ENOENT'
          ? `The source folder ${s} does not exist; reconnect it or remove it from the plan.`
          : `The source folder ${s} cannot be opened (${errnoCode(e)}).`,
      );
    }
    if (!st.isDirectory())
      throw new CairnError('source-missing', `The source ${s} is not a folder; choose a folder.`);
    try {
      fs.accessSync(s, fs.constants.R_OK | fs.constants.X_OK);
    } catch {
      throw new CairnError('source-missing', `The source folder ${s} cannot be read; check its permissions.`);
    }
  }
}

const DEST_MISSING = 'is not there; if it is on a disk that is unplugged, plug it in and try again.';

/** True for a run's error that says its backup folder was not there (the health model asks). */
export function isDestMissingError(message: string | null): boolean {
  return !!message && message.startsWith('The backup folder ') && message.endsWith(DEST_MISSING);
}

/** Checks that the destination folder exists and can be written. */
export function checkDest(dest: string): void {
  if (!path.isAbsolute(dest))
    throw new CairnError('usage', `The backup folder ${dest} must be an absolute path.`);
  refusePseudoFs(dest, 'The backup folder');
  let st: fs.Stats;
  try {
    st = fs.statSync(dest);
  } catch {
    throw new CairnError('dest-missing', `The backup folder ${dest} ${DEST_MISSING}`);
  }
  if (!st.isDirectory())
    throw new CairnError('dest-unwritable', `The backup destination ${dest} is not a folder.`);
  try {
    fs.accessSync(dest, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    throw new CairnError(
      'dest-unwritable',
      `The backup folder ${dest} cannot be written; check its permissions.`,
    );
  }
}

/** Every check a plan's folders must pass before a run starts. */
export function checkPlanFolders(plan: Pick<Plan, 'dest' | 'sources'>): void {
  const paths = plan.sources.map((s) => s.path);
  checkSources(paths);
  checkDest(plan.dest);
  checkOverlap(plan.dest, paths);
}
