// Drive tokens: safeStorage (the OS keychain) when it really protects them, else the 0600 file.
import { safeStorage } from 'electron';
import path from 'node:path';
import { chooseSecrets, SecretFile, type SecretsChoice } from './secretsPolicy';

/** The secret store for the data directory, and the sentence Drive status shows about it. */
export function openSecrets(dataDir: string): { store: SecretFile; choice: SecretsChoice } {
  const plainFile = path.join(dataDir, 'secrets.json');
  const choice = chooseSecrets(
    {
      platform: process.platform,
      encryptionAvailable: safeStorage.isEncryptionAvailable(),
      ...(process.platform === 'linux' ? { linuxBackend: safeStorage.getSelectedStorageBackend() } : {}),
    },
    plainFile,
  );
  const store =
    choice.kind === 'keychain'
      ? new SecretFile(path.join(dataDir, 'secrets.bin'), {
          encrypt: (s) => safeStorage.encryptString(s),
          decrypt: (b) => safeStorage.decryptString(b),
        })
      : new SecretFile(plainFile, null);
  return { store, choice };
}
