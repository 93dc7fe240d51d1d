import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/tmp';
import { chooseSecrets, openSecretStore } from './choose';
import { DRIVE_TOKENS_KEY, FileSecretStore, type Cipher } from './store';

// safeStorage cannot run here; an AES-GCM cipher stands in for it behind the same two functions.
function aes(key: Buffer): Cipher {
  return {
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
  };
}

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

  it('without the app (the CLI, cairn serve) uses the 0600 file and says why', async () => {
    const dir = tempDir();
    const { store, choice } = openSecretStore(dir);
    expect(choice.kind).toBe('file');
    expect(store.description).toMatch(/only you can read .*secrets\.json.*no system keychain/);
    await store.set('k', 'v');
    expect(fs.statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('falls back to the 0600 file and says where and why', () => {
    const c = chooseSecrets({ platform: 'linux', encryptionAvailable: false }, file);
    expect(c.kind).toBe('file');
    expect(c.note).toContain(file);
    expect(c.note).toContain('0600');
  });
});

describe('secret stores', () => {
  it('without a keyring, shares the 0600 file with headless Cairn and describes it for Drive status', async () => {
    const dir = tempDir();
    const { store, choice } = openSecretStore(dir, {
      facts: { platform: 'linux', encryptionAvailable: false },
      cipher: aes(crypto.randomBytes(32)),
    });
    expect(choice.kind).toBe('file');
    expect(store.description).toBe(choice.note);
    await store.set(DRIVE_TOKENS_KEY, '{"refresh_token":"1//abc"}');
    expect(fs.statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(await new FileSecretStore(dir).get(DRIVE_TOKENS_KEY)).toBe('{"refresh_token":"1//abc"}');
    await store.delete(DRIVE_TOKENS_KEY);
    expect(await store.get(DRIVE_TOKENS_KEY)).toBeNull();
  });

  it('with a keyring, holds only ciphertext, survives a restart, and a changed key asks to reconnect', async () => {
    const dir = tempDir();
    const mac = { platform: 'darwin' as const, encryptionAvailable: true };
    const open = (key: Buffer) => openSecretStore(dir, { facts: mac, cipher: aes(key) }).store;
    const key = crypto.randomBytes(32);
    await open(key).set(DRIVE_TOKENS_KEY, 'refresh-token-XYZ');
    const file = path.join(dir, 'secrets.bin');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file).includes('refresh-token-XYZ')).toBe(false);
    expect(fs.existsSync(path.join(dir, 'secrets.json'))).toBe(false);
    expect(await open(key).get(DRIVE_TOKENS_KEY)).toBe('refresh-token-XYZ');
    await expect(open(crypto.randomBytes(32)).get(DRIVE_TOKENS_KEY)).rejects.toThrow(
      /cannot be read .*reconnect Google Drive\.$/,
    );
  });
});
