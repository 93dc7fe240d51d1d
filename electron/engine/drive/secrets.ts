import fs from 'node:fs';
import path from 'node:path';

/**
 * Where Drive tokens are kept. The app injects one backed by Electron safeStorage; headless Cairn uses
 * FileSecretStore. `description` is shown by `cairn drive status` so users know where their tokens are.
 */
export interface SecretStore {
  readonly description: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The key under which the Drive tokens (JSON) are stored. */
export const DRIVE_TOKENS_KEY = 'drive.tokens';

/**
 * Secrets in a JSON file readable only by the user (mode 0600) in the data directory. Not encrypted:
 * anyone who can read the file as this user can use the Drive link, and status says so plainly.
 */
export class FileSecretStore implements SecretStore {
  readonly file: string;
  readonly description: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'secrets.json');
    this.description = `in a file only you can read (${this.file}), not encrypted: headless mode has no system keychain`;
  }

  private read(): Record<string, string> {
    try {
      return JSON.parse(fs.readFileSync(this.file, 'utf8')) as Record<string, string>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
  }

  private write(all: Record<string, string>): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeFileSync(fd, JSON.stringify(all, null, 2) + '\n');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, this.file);
  }

  /** The secret stored under `key`, or null. */
  async get(key: string): Promise<string | null> {
    return this.read()[key] ?? null;
  }

  /** Stores a secret (atomically, 0600). */
  async set(key: string, value: string): Promise<void> {
    this.write({ ...this.read(), [key]: value });
  }

  /** Forgets a secret; the file goes when it is empty. */
  async delete(key: string): Promise<void> {
    const all = this.read();
    if (!(key in all)) return;
    delete all[key];
    if (Object.keys(all).length === 0) fs.rmSync(this.file, { force: true });
    else this.write(all);
  }
}
