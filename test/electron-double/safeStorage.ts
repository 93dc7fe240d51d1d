// safeStorage as the app sees it on a desktop with a keyring: a real reversible cipher (AES-256-GCM under a
// random key that lives only in this process), so what Cairn writes is ciphertext a test can still open.
import crypto from 'node:crypto';

export interface SafeStorageDouble {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend(): string;
  encryptString(plain: string): Buffer;
  decryptString(data: Buffer): string;
}

/** A keyring-backed safeStorage (`gnome_libsecret`), or Chromium's fixed-key `basic_text` fallback. */
export function safeStorageDouble(
  backend: 'gnome_libsecret' | 'basic_text' = 'gnome_libsecret',
): SafeStorageDouble {
  const key = crypto.randomBytes(32);
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString(plain) {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(data) {
      const d = crypto.createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      d.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
    },
  };
}
