// Where the app keeps Drive tokens: encrypted by the OS keychain through Electron's safeStorage when it is
// really available, else a file only the user can read (0600), said plainly in Drive status.
import fs from 'node:fs';
import path from 'node:path';
import { FileSecretStore, type SecretStore } from '../engine/drive/secrets';

/** What Electron's safeStorage reports (isEncryptionAvailable, and on Linux getSelectedStorageBackend). */
export interface SafeStorageFacts {
  platform: NodeJS.Platform;
  encryptionAvailable: boolean;
  /** Linux only: "gnome_libsecret", "kwallet5", ... or "basic_text" (a fixed key: no protection). */
  linuxBackend?: string;
}

export interface SecretsChoice {
  kind: 'keychain' | 'file';
  /** One plain sentence for Drive status. */
  note: string;
}

const KEYCHAIN: Partial<Record<NodeJS.Platform, string>> = {
  darwin: 'the macOS Keychain',
  win32: 'Windows (DPAPI)',
};

/**
 * Chooses the keychain only when it protects something: on Linux, safeStorage's "basic_text" backend
 * encrypts with a key built into Chromium, which is no better than the 0600 file and would claim more.
 */
export function chooseSecrets(f: SafeStorageFacts, file: string): SecretsChoice {
  const weak = f.platform === 'linux' && (!f.linuxBackend || /basic_text|unknown/.test(f.linuxBackend));
  if (f.encryptionAvailable && !weak) {
    const where =
      KEYCHAIN[f.platform] ??
      (f.linuxBackend?.startsWith('kwallet') ? 'KWallet' : 'the system keyring (Secret Service)');
    return { kind: 'keychain', note: `Drive tokens are encrypted with ${where}.` };
  }
  return {
    kind: 'file',
    note:
      `No system keyring is available, so Drive tokens are kept unencrypted in ${file}, readable only by ` +
      'you (mode 0600); install and unlock a keyring (GNOME Keyring or KWallet) to encrypt them.',
  };
}

/** Encrypts and decrypts strings: Electron's safeStorage in the app. */
export interface Cipher {
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

/**
 * The Drive engine's SecretStore over one file holding only ciphertext (written atomically, 0600). A file
 * the cipher cannot read (the keyring was reset) asks to reconnect instead of losing the tokens silently.
 */
export class EncryptedSecretStore implements SecretStore {
  constructor(
    readonly file: string,
    private readonly cipher: Cipher,
    readonly description: string,
  ) {}

  private read(): Record<string, string> {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.file);
    } catch {
      return {};
    }
    try {
      return JSON.parse(this.cipher.decrypt(data)) as Record<string, string>;
    } catch {
      throw new Error(
        `The saved Drive sign-in in ${this.file} cannot be read (the keyring changed?); reconnect Google Drive.`,
      );
    }
  }

  private write(all: Record<string, string>): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, this.cipher.encrypt(JSON.stringify(all)), { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, this.file);
  }

  /** The secret under a key, or null. */
  async get(key: string): Promise<string | null> {
    return this.read()[key] ?? null;
  }

  /** Saves a secret. */
  async set(key: string, value: string): Promise<void> {
    this.write({ ...this.read(), [key]: value });
  }

  /** Forgets a secret. */
  async delete(key: string): Promise<void> {
    const all = this.read();
    if (!(key in all)) return;
    delete all[key];
    this.write(all);
  }
}

/**
 * The store the choice calls for: encrypted beside the catalog, or the same 0600 file headless Cairn uses
 * (so `cairn drive` keeps working), described in the app's own words.
 */
export function secretStoreFor(choice: SecretsChoice, dataDir: string, cipher: Cipher): SecretStore {
  if (choice.kind === 'keychain')
    return new EncryptedSecretStore(path.join(dataDir, 'secrets.bin'), cipher, choice.note);
  const file = new FileSecretStore(dataDir);
  return {
    description: choice.note,
    get: (k) => file.get(k),
    set: (k, v) => file.set(k, v),
    delete: (k) => file.delete(k),
  };
}
