// The OS keychain as Electron's safeStorage offers it; the engine's choose.ts decides whether to use it.
import { safeStorage } from 'electron';
import type { Keychain } from '../engine/secrets/choose';

/** safeStorage's facts and cipher, for openSecretStore. */
export function safeStorageKeychain(): Keychain {
  return {
    facts: {
      platform: process.platform,
      encryptionAvailable: safeStorage.isEncryptionAvailable(),
      ...(process.platform === 'linux' ? { linuxBackend: safeStorage.getSelectedStorageBackend() } : {}),
    },
    cipher: {
      encrypt: (s: string) => safeStorage.encryptString(s),
      decrypt: (b: Buffer) => safeStorage.decryptString(b),
    },
  };
}
