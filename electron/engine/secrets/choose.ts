// The one place that picks where secrets live: encrypted by the OS keychain (Electron's safeStorage) when it
// really protects them, else the 0600 file that `cairn` and `cairn serve` use, said plainly.
import path from 'node:path';
import { EncryptedSecretStore, FileSecretStore, SEALED_FILE, type Cipher, type SecretStore } from './store';

/** What Electron's safeStorage reports (isEncryptionAvailable, and on Linux getSelectedStorageBackend). */
export interface SafeStorageFacts {
  platform: NodeJS.Platform;
  encryptionAvailable: boolean;
  /** Linux only: "gnome_libsecret", "kwallet5", ... or "basic_text" (a fixed key: no protection). */
  linuxBackend?: string;
}

/** The OS keychain as the app sees it: what safeStorage reports, and its cipher. */
export interface Keychain {
  facts: SafeStorageFacts;
  cipher: Cipher;
}

export interface SecretsChoice {
  kind: 'keychain' | 'file';
  /** One plain sentence for Drive status and the log. */
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
export function chooseSecrets(f: SafeStorageFacts | null, file: string): SecretsChoice {
  const weak = f?.platform === 'linux' && (!f.linuxBackend || /basic_text|unknown/.test(f.linuxBackend));
  if (f?.encryptionAvailable && !weak) {
    const where =
      KEYCHAIN[f.platform] ??
      (f.linuxBackend?.startsWith('kwallet') ? 'KWallet' : 'the system keyring (Secret Service)');
    return { kind: 'keychain', note: `Drive tokens are encrypted with ${where}.` };
  }
  if (!f) {
    return {
      kind: 'file',
      note: `Drive tokens are kept unencrypted in ${file}, readable only by you (mode 0600): the command line and headless mode have no system keychain.`,
    };
  }
  return {
    kind: 'file',
    note:
      `No system keyring is available, so Drive tokens are kept unencrypted in ${file}, readable only by ` +
      'you (mode 0600); install and unlock a keyring (GNOME Keyring or KWallet) to encrypt them.',
  };
}

/**
 * The secret store for a data folder: encrypted beside the catalog when the keychain protects it (the app),
 * else the 0600 file (the CLI, `cairn serve`, and the app without a keyring).
 */
export function openSecretStore(
  dataDir: string,
  keychain: Keychain | null = null,
): { store: SecretStore; choice: SecretsChoice } {
  const file = path.join(dataDir, 'secrets.json');
  const choice = chooseSecrets(keychain?.facts ?? null, file);
  const store =
    choice.kind === 'keychain' && keychain
      ? new EncryptedSecretStore(path.join(dataDir, SEALED_FILE), keychain.cipher, choice.note)
      : new FileSecretStore(dataDir, keychain ? choice.note : undefined);
  return { store, choice };
}
