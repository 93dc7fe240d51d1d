import { CairnError } from '../errors';

/** Which manifest paths a restore takes: everything, or the chosen files and folders and what is under them. */
export class Selection {
  readonly paths: string[];
  private readonly hit = new Set<string>();

  constructor(paths: string[] | undefined) {
    this.paths = (paths ?? []).map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p !== '');
  }

  /** True when p is chosen (or under something chosen). */
  includes(p: string): boolean {
    if (this.paths.length === 0) return true;
    for (const s of this.paths) {
      if (p === s || (p.startsWith(s) && p.charCodeAt(s.length) === 47)) {
        this.hit.add(s);
        return true;
      }
    }
    return false;
  }

  /** True when p is a folder above something chosen (made so the chosen paths have a home). */
  isAncestor(p: string): boolean {
    for (const s of this.paths) if (s.startsWith(p) && s.charCodeAt(p.length) === 47) return true;
    return false;
  }

  /** Throws when a chosen path matched nothing in the backup. */
  checkAllFound(backup: string): void {
    const lost = this.paths.filter((p) => !this.hit.has(p));
    if (lost.length) {
      throw new CairnError(
        'not-found',
        `Backup ${backup} has no ${lost.map((p) => `"${p}"`).join(', ')}; paths start with the source's name, see: cairn show ${backup}.`,
      );
    }
  }
}
