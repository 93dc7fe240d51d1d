import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp';
import { chooseSecrets, SecretFile, type Cipher } from './secretsPolicy';

describe('secrets choice', () => {
  const file = '/home/me/.config/Cairn/secrets.json';

  it('uses the keychain on macOS and Windows when safeStorage works', () => {
    expect(chooseSecrets({ platform: 'darwin', encryptionAvailable: true }, file)).toEqual({
      kind: 'keychain',
      note: 'Drive tokens are encrypted with the macOS Keychain.',
    });
    expect(chooseSecrets({ platform: 'win32', encryptionAvailable: true }, file).kind).toBe('keychain');
  });

  it('uses a Linux keyring, but not the built-in basic_text key that protects nothing', () => {
    const gnome = { platform: 'linux' as const, encryptionAvailable: true, linuxBackend: 'gnome_libsecret' };
    expect(chooseSecrets(gnome, file).note).toBe(
      'Drive tokens are encrypted with the system keyring (Secret Service).',
    );
    const kde = { platform: 'linux' as const, encryptionAvailable: true, linuxBackend: 'kwallet5' };
    expect(chooseSecrets(kde, file).note).toBe('Drive tokens are encrypted with KWallet.');
    const basic = { platform: 'linux' as const, encryptionAvailable: true, linuxBackend: 'basic_text' };
    expect(chooseSecrets(basic, file).kind).toBe('file');
  });

  it('falls back to the 0600 file and says where and why', () => {
    const c = chooseSecrets({ platform: 'linux', encryptionAvailable: false }, file);
    expect(c.kind).toBe('file');
    expect(c.note).toContain(file);
    expect(c.note).toContain('0600');
  });
});

describe('secret file', () => {
  it('keeps secrets in a 0600 file that survives a restart, and forgets them', () => {
    const dir = tempDir();
    const file = path.join(dir, 'Cairn', 'secrets.json');
    const a = new SecretFile(file, null);
    expect(a.get('drive')).toBeNull();
    a.set('drive', '{"refresh_token":"1//abc"}');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(new SecretFile(file, null).get('drive')).toBe('{"refresh_token":"1//abc"}');
    a.delete('drive');
    expect(new SecretFile(file, null).get('drive')).toBeNull();
    expect(fs.readdirSync(path.dirname(file))).toEqual(['secrets.json']);
  });

  it('with a cipher, holds only ciphertext, and a changed key asks to reconnect', () => {
    // safeStorage cannot run here; an AES cipher stands in for it behind the same two functions.
    const cipher = (key: Buffer): Cipher => ({
      encrypt: (plain) => {
        const iv = crypto.randomBytes(12);
        const c = crypto.createCipheriv('aes-256-gcm', key, iv);
        const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
        return Buffer.concat([iv, c.getAuthTag(), body]);
      },
      decrypt: (data) => {
        const d = crypto.createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
        d.setAuthTag(data.subarray(12, 28));
        return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
      },
    });
    const file = path.join(tempDir(), 'secrets.bin');
    const key = crypto.randomBytes(32);
    new SecretFile(file, cipher(key)).set('drive', 'refresh-token-XYZ');
    expect(fs.readFileSync(file).includes('refresh-token-XYZ')).toBe(false);
    expect(new SecretFile(file, cipher(key)).get('drive')).toBe('refresh-token-XYZ');
    expect(() => new SecretFile(file, cipher(crypto.randomBytes(32))).get('drive')).toThrow(
      /cannot be read .*reconnect Google Drive\.$/,
    );
  });
});
