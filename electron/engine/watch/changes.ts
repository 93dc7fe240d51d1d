const CAP = 100_000;

/**
 * The paths changed (added, modified, deleted) since the last backup, with when. A path changed twice
 * counts once. Past 100,000 paths only the count grows, so memory stays bounded.
 */
export class ChangeSet {
  private readonly paths = new Map<string, number>();
  private overflow: { count: number; first: number } | null = null;

  /** Notes a change of a path at a time. */
  add(path: string, at: number): void {
    if (this.paths.has(path) || this.paths.size < CAP) {
      this.paths.delete(path);
      this.paths.set(path, at);
    } else {
      this.overflow ??= { count: 0, first: at };
      this.overflow.count++;
    }
  }

  get count(): number {
    return this.paths.size + (this.overflow?.count ?? 0);
  }

  /** Forgets changes made before a backup started: that backup holds them. */
  clearBefore(t: number): void {
    for (const [p, at] of this.paths) {
      if (at >= t) break; // insertion order is time order
      this.paths.delete(p);
    }
    if (this.overflow && this.overflow.first < t) this.overflow = null;
  }
}
