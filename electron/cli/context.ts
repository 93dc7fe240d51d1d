import { openCore, type CairnCore } from '../engine/app/core';
import type { OpsDeps } from '../engine/app/ops/deps';
import type { Db } from '../engine/catalog/db';
import type { SecretStore } from '../engine/secrets/store';
import { CairnError } from '../engine/errors';
import { defaultDataDir } from '../engine/paths';
import { cliTrashSweeps } from './detachSweep';
import { problem } from './streams';

export interface GlobalOptions {
  dataDir?: string;
  json?: boolean;
}

/** What every command gets: its data directory, catalog, clock and output. */
export class CliContext {
  private opened: CairnCore | null = null;
  readonly dataDir: string;
  readonly json: boolean;
  exitCode = 0;

  constructor(opts: GlobalOptions) {
    this.dataDir = opts.dataDir ?? defaultDataDir();
    this.json = opts.json === true;
  }

  /** Cairn opened for the data folder by the one composition root (the CLI has no keychain). */
  core(): CairnCore {
    this.opened ??= openCore(this.dataDir, { keychain: null, trash: cliTrashSweeps() });
    return this.opened;
  }

  catalog(): Db {
    return this.core().db;
  }

  /** What operations need (app/ops/), acting as "cli". */
  ops(): OpsDeps {
    const core = this.core();
    return { ...core, now: () => this.now(), actor: 'cli' };
  }

  /** The one secret store (a 0600 file: the command line has no keychain). */
  secrets(): SecretStore {
    return this.core().secrets;
  }

  now(): number {
    return Date.now();
  }

  /**
   * Prints the command's result on stdout (JSON when --json, else the text the formatter makes) and the
   * lines `problems` names (warnings, refusals, failures) on stderr, in both modes.
   */
  out<T>(value: T, text: (v: T) => string, problems?: (v: T) => string[]): void {
    if (this.json) process.stdout.write(JSON.stringify(value, null, 2) + '\n');
    else {
      const t = text(value);
      if (t) process.stdout.write(t.endsWith('\n') ? t : t + '\n');
    }
    if (problems) problem(problems(value));
  }

  close(): void {
    this.opened?.db.close();
    this.opened = null;
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
