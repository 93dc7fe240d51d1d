import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { CairnError } from '../../errors';
import type { SecretStore } from '../../secrets/store';

/**
 * The Drive copy's encryption. With a password set, packs and manifests are encrypted with age to an
 * X25519 key, and that key (the "identity") is kept on Drive in keys/identity.age, encrypted with the
 * password (age's scrypt recipient). So the standard `age` tool decrypts everything (one password prompt
 * for the key, then `age -d -i key.txt`), changing the password re-encrypts one small file, and each pack
 * costs no scrypt run.
 */
export interface DriveKey {
  password: string;
  /** AGE-SECRET-KEY-1... */
  identity: string;
  recipient: string;
}

/** SecretStore key of the password and identity (JSON); never in the catalog or logs. */
export const DRIVE_KEY_SECRET = 'drive.key';

/** The Drive key from the secret store, or null when no password is set. */
export async function loadDriveKey(secrets: SecretStore): Promise<DriveKey | null> {
  const raw = await secrets.get(DRIVE_KEY_SECRET);
  if (!raw) return null;
  const k = JSON.parse(raw) as DriveKey;
  return { ...k, recipient: await identityToRecipient(k.identity) };
}

/** Stores a password with a new identity (first time) or with the identity already known. */
export async function saveDriveKey(
  secrets: SecretStore,
  password: string,
  identity?: string,
): Promise<DriveKey> {
  if (password.length < 12)
    throw new CairnError('usage', 'Choose a Drive password of at least 12 characters.');
  const id = identity ?? (await generateX25519Identity());
  await secrets.set(DRIVE_KEY_SECRET, JSON.stringify({ password, identity: id }));
  return { password, identity: id, recipient: await identityToRecipient(id) };
}

/** Encrypts a byte stream to the key's recipient (age format, streamed). */
export async function encryptStream(input: Readable, key: DriveKey): Promise<Readable> {
  const e = new Encrypter();
  e.addRecipient(key.recipient);
  const out = await e.encrypt(Readable.toWeb(input) as unknown as ReadableStream<Uint8Array>);
  return Readable.fromWeb(out as unknown as WebReadableStream<Uint8Array>);
}

/** Decrypts an age stream made by encryptStream. */
export async function decryptStream(input: Readable, key: DriveKey): Promise<Readable> {
  const d = new Decrypter();
  d.addIdentity(key.identity);
  const out = await d.decrypt(Readable.toWeb(input) as unknown as ReadableStream<Uint8Array>);
  return Readable.fromWeb(out as unknown as WebReadableStream<Uint8Array>);
}

/** keys/identity.age: the identity as a key file `age -d` writes out, encrypted with the password. */
export async function sealIdentity(key: DriveKey, scryptWorkFactor?: number): Promise<Uint8Array> {
  const e = new Encrypter();
  e.setPassphrase(key.password);
  if (scryptWorkFactor) e.setScryptWorkFactor(scryptWorkFactor);
  return e.encrypt(`# Cairn Drive key (age identity)\n# public key: ${key.recipient}\n${key.identity}\n`);
}

/** Opens keys/identity.age with a password; a wrong password is a plain error. */
export async function openIdentity(sealed: Uint8Array, password: string): Promise<string> {
  const d = new Decrypter();
  d.addPassphrase(password);
  let text: string;
  try {
    text = await d.decrypt(sealed, 'text');
  } catch {
    throw new CairnError(
      'usage',
      'That password does not open the Drive key (keys/identity.age); give the password the backups were made with.',
    );
  }
  const line = text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'));
  if (!line) throw new CairnError('corrupt', 'keys/identity.age on Drive holds no age key.');
  return line.trim();
}
