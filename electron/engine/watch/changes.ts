const CAP = 100_000;

/**
 * The paths that differ from the last backup (added, modified, deleted). Past 100,000 paths only the count
 * grows, so memory stays bounded; such a set cannot be checked path by path again (`overflowed`).
 */
export class ChangeSet {
  private readonly paths = new Set<string>();
  private extra = 0;

  /** Notes whether a path differs from the backup now. */
  mark(path: string, differs: boolean): void {
    if (!differs) this.paths.delete(path);
    else if (this.paths.size < CAP) this.paths.add(path);
    else if (!this.paths.has(path)) this.extra++;
  }

  get count(): number {
    return this.paths.size + this.extra;
  }

  get overflowed(): boolean {
    return this.extra > 0;
  }

  /** The paths noted (a copy: marking them again while going through is fine). */
  list(): string[] {
    return [...this.paths];
  }

  clear(): void {
    this.paths.clear();
    this.extra = 0;
  }
}
