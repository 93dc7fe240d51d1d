import { openCatalog, type Db } from '../engine/catalog/db';
import { CairnError } from '../engine/errors';
import { defaultDataDir } from '../engine/paths';

export interface GlobalOptions {
  dataDir?: string;
  json?: boolean;
}

/** What every command gets: its data directory, catalog, clock and output. */
export class CliContext {
  private db: Db | null = null;
  readonly dataDir: string;
  readonly json: boolean;
  exitCode = 0;

  constructor(opts: GlobalOptions) {
    this.dataDir = opts.dataDir ?? defaultDataDir();
    this.json = opts.json === true;
  }

  catalog(): Db {
    this.db ??= openCatalog(this.dataDir);
    return this.db;
  }

  now(): number {
    return Date.now();
  }

  /** Prints the command's result: JSON when --json, else the text the formatter makes. */
  out<T>(value: T, text: (v: T) => string): void {
    if (this.json) process.stdout.write(JSON.stringify(value, null, 2) + '\n');
    else {
      const t = text(value);
      if (t) process.stdout.write(t.endsWith('\n') ? t : t + '\n');
    }
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }
}

/** Parses a whole number option. */
export function intOption(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v)) throw new CairnError('usage', `${name} takes a whole number (got "${v}").`);
    return Number(v);
  };
}

/** Collects a repeatable option into a list. */
export function collect(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), v];
}
