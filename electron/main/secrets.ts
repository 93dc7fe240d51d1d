// Drive tokens: safeStorage (the OS keychain) when it really protects them, else the 0600 file.
import { safeStorage } from 'electron';
import path from 'node:path';
import type { SecretStore } from '../engine/drive/secrets';
import { chooseSecrets, secretStoreFor, type SecretsChoice } from './secretsPolicy';

/** The Drive secret store for the data directory; its description is what Drive status shows. */
export function openSecrets(dataDir: string): { store: SecretStore; choice: SecretsChoice } {
  const choice = chooseSecrets(
    {
      platform: process.platform,
      encryptionAvailable: safeStorage.isEncryptionAvailable(),
      ...(process.platform === 'linux' ? { linuxBackend: safeStorage.getSelectedStorageBackend() } : {}),
    },
    path.join(dataDir, 'secrets.json'),
  );
  const cipher = {
    encrypt: (s: string) => safeStorage.encryptString(s),
    decrypt: (b: Buffer) => safeStorage.decryptString(b),
  };
  return { store: secretStoreFor(choice, dataDir, cipher), choice };
}
