// Where Cairn keeps secrets (Drive tokens, database passwords): one interface, two stores. The app encrypts
// them with the OS keychain (EncryptedSecretStore over Electron's safeStorage); elsewhere they live in a
// file only the user can read (FileSecretStore). choose.ts is the one place that picks.
import fs from 'node:fs';
import path from 'node:path';

/** A key-value store of secrets; `description` says where they are, in Drive status and the log. */
export interface SecretStore {
  readonly description: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** True when the app keeps this data folder's secrets sealed by its keychain, which this store cannot read. */
  sealedElsewhere?(): boolean;
}

/** The key under which the Drive tokens (JSON) are stored. */
export const DRIVE_TOKENS_KEY = 'drive.tokens';

/** The app's keychain-sealed store, beside the catalog (choose.ts). */
export const SEALED_FILE = 'secrets.bin';

/** Writes a file atomically (temp file, fsync, rename) readable only by the user (0600). */
export function writePrivateFile(file: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/** Reads a file, or null when there is none. */
function readIfThere(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** A store that keeps every secret in one file, encoded by `encode`/`decode`. */
abstract class OneFileStore implements SecretStore {
  constructor(
    readonly file: string,
    readonly description: string,
  ) {}

  protected abstract decode(data: Buffer): Record<string, string>;
  protected abstract encode(all: Record<string, string>): string | Buffer;

  private read(): Record<string, string> {
    const data = readIfThere(this.file);
    return data ? this.decode(data) : {};
  }

  /** The secret stored under `key`, or null. */
  async get(key: string): Promise<string | null> {
    return this.read()[key] ?? null;
  }

  /** Stores a secret (atomically, 0600). */
  async set(key: string, value: string): Promise<void> {
    writePrivateFile(this.file, this.encode({ ...this.read(), [key]: value }));
  }

  /** Forgets a secret; the file goes when it is empty. */
  async delete(key: string): Promise<void> {
    const all = this.read();
    if (!(key in all)) return;
    delete all[key];
    if (Object.keys(all).length === 0) fs.rmSync(this.file, { force: true });
    else writePrivateFile(this.file, this.encode(all));
  }
}

/**
 * Secrets in a JSON file readable only by the user (mode 0600) in the data directory. Not encrypted:
 * anyone who can read the file as this user can use the Drive link, and status says so plainly.
 */
export class FileSecretStore extends OneFileStore {
  constructor(
    dataDir: string,
    description = `in a file only you can read (${path.join(dataDir, 'secrets.json')}), not encrypted: there is no system keychain here`,
  ) {
    super(path.join(dataDir, 'secrets.json'), description);
  }

  sealedElsewhere(): boolean {
    return fs.existsSync(path.join(path.dirname(this.file), SEALED_FILE));
  }

  protected decode(data: Buffer): Record<string, string> {
    return JSON.parse(data.toString('utf8')) as Record<string, string>;
  }

  protected encode(all: Record<string, string>): string {
    return JSON.stringify(all, null, 2) + '\n';
  }
}

/** Encrypts and decrypts strings: Electron's safeStorage in the app. */
export interface Cipher {
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

/**
 * Secrets in one file holding only ciphertext (0600). A file the cipher cannot read (the keyring was
 * reset) asks to reconnect instead of losing the tokens silently.
 */
export class EncryptedSecretStore extends OneFileStore {
  constructor(
    file: string,
    private readonly cipher: Cipher,
    description: string,
  ) {
    super(file, description);
  }

  protected decode(data: Buffer): Record<string, string> {
    try {
      return JSON.parse(this.cipher.decrypt(data)) as Record<string, string>;
    } catch {
      throw new Error(
        `The saved Drive sign-in in ${this.file} cannot be read (the keyring changed?); reconnect Google Drive.`,
      );
    }
  }

  protected encode(all: Record<string, string>): Buffer {
    return this.cipher.encrypt(JSON.stringify(all));
  }
}
