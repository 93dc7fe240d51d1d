import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv } from '../../../test/drive-emulator/harness';
import { startEmulator, type DriveEmulator } from '../../../test/drive-emulator/server';
import { tempDir } from '../../../test/helpers/tmp';
import { openCommand, openInSystemBrowser } from './browser';
import { driveConfig } from './config';
import { DriveError } from './errors';
import { openDrive } from './index';
import { connectWithBrowser, startManualConnect } from './oauth';
import { DRIVE_TOKENS_KEY, FileSecretStore } from '../secrets/store';

let emu: DriveEmulator;
beforeAll(async () => {
  emu = await startEmulator({ dir: tempDir() });
});
afterAll(async () => {
  await emu.stop();
});

/** The "system browser": loads the consent page, which the emulator answers with a redirect to the loopback. */
async function browser(url: string): Promise<void> {
  const r = await fetch(url);
  await r.text();
}

describe('connecting Drive', () => {
  it('connects through the browser with PKCE on a loopback redirect and stores tokens in a 0600 file', async () => {
    const secrets = new FileSecretStore(tempDir());
    const cfg = driveConfig({}, emulatorEnv(emu));
    const opened: string[] = [];
    const tokens = await connectWithBrowser({
      cfg,
      secrets,
      openUrl: async (url) => {
        opened.push(url);
        await browser(url);
      },
    });
    expect(tokens.refresh_token).toBeTruthy();
    const u = new URL(opened[0]!);
    expect(u.origin + u.pathname).toBe(emu.authUrl);
    expect(u.searchParams.get('scope')).toBe('https://www.googleapis.com/auth/drive.file');
    expect(u.searchParams.get('code_challenge_method')).toBe('S256');
    expect(u.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(emu.count('oauth.token.code', 200)).toBe(1);

    expect(fs.statSync(secrets.file).mode & 0o777).toBe(0o600);
    expect(secrets.description).toContain('not encrypted');
    expect(JSON.parse((await secrets.get(DRIVE_TOKENS_KEY))!).refresh_token).toBe(tokens.refresh_token);

    // The stored link works without a browser or an environment token.
    const { remote } = await openDrive({ secrets, env: emulatorEnv(emu) });
    expect((await remote.about()).emailAddress).toBe('tester@example.com');
    expect(emu.count('oauth.token.refresh')).toBe(0);

    // A refreshed access token is written back; the refresh token is kept.
    emu.fault({ kind: 'expire-token', op: 'about.get' });
    await remote.about();
    await new Promise((r) => setTimeout(r, 50));
    const saved = JSON.parse((await secrets.get(DRIVE_TOKENS_KEY))!) as Record<string, unknown>;
    expect(saved.access_token).not.toBe(tokens.access_token);
    expect(saved.refresh_token).toBe(tokens.refresh_token);
    expect(fs.statSync(secrets.file).mode & 0o777).toBe(0o600);
  });

  it('opens the system browser with the platform command', async () => {
    expect(openCommand('http://x/?a=1&b=2', 'darwin')).toEqual(['open', ['http://x/?a=1&b=2']]);
    expect(openCommand('http://x/?a=1&b=2', 'win32')[1]).toEqual(['/c', 'start', '""', 'http://x/?a=1^&b=2']);
    // A fake xdg-open on PATH stands in for the desktop's browser.
    const bin = tempDir();
    const got = path.join(bin, 'opened.txt');
    fs.writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${got}'\n`, { mode: 0o755 });
    if (process.platform === 'linux') {
      await openInSystemBrowser('http://127.0.0.1:1/?q=1', { ...process.env, PATH: bin });
      expect(fs.readFileSync(got, 'utf8')).toBe('http://127.0.0.1:1/?q=1');
      await expect(openInSystemBrowser('http://x', { PATH: tempDir() })).rejects.toThrow(/--no-browser/);
    }
  });

  it('connects with --no-browser from the pasted redirect address', async () => {
    const secrets = new FileSecretStore(tempDir());
    const manual = await startManualConnect(driveConfig({}, emulatorEnv(emu)), secrets);
    // The user opens the URL elsewhere; the browser ends on an unreachable 127.0.0.1 page whose address they copy.
    const r = await fetch(manual.url, { redirect: 'manual' });
    const landed = r.headers.get('location')!;
    expect(landed).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?/);
    await expect(manual.finish('http://127.0.0.1:1/?code=x&state=wrong')).rejects.toThrow(/not the answer/);
    const tokens = await manual.finish(landed);
    expect(tokens.refresh_token).toBeTruthy();
  });

  it('a code exchanged with the wrong PKCE verifier is refused by the token endpoint', async () => {
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
    const auth = new URL(emu.authUrl);
    auth.search = new URLSearchParams({
      client_id: emu.clientId,
      redirect_uri: 'http://127.0.0.1:9/',
      response_type: 'code',
      scope: 'https://www.googleapis.com/auth/drive.file',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const code = new URL(
      (await fetch(auth, { redirect: 'manual' })).headers.get('location')!,
    ).searchParams.get('code')!;
    const res = await fetch(emu.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: 'not-the-verifier',
        redirect_uri: 'http://127.0.0.1:9/',
        client_id: emu.clientId,
        client_secret: emu.clientSecret,
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('a refused consent ends in a plain drive-auth error', async () => {
    emu.fault({ kind: 'access-denied' });
    const err = await connectWithBrowser({
      cfg: driveConfig({}, emulatorEnv(emu)),
      secrets: new FileSecretStore(tempDir()),
      openUrl: browser,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriveError);
    expect((err as DriveError).code).toBe('drive-auth');
    expect((err as DriveError).message).toMatch(/did not grant.*access_denied/);
  });

  it('refuses a grant whose Drive permission the user unticked, and stores nothing', async () => {
    emu.fault({ kind: 'scope-denied' });
    const secrets = new FileSecretStore(tempDir());
    const err = await connectWithBrowser({
      cfg: driveConfig({}, emulatorEnv(emu)),
      secrets,
      openUrl: browser,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'drive-auth', reason: 'scope_missing' });
    expect((err as Error).message).toMatch(/connect again and tick/);
    expect(await secrets.get(DRIVE_TOKENS_KEY)).toBeNull();
  });

  it('says what to do when Drive is not connected or the client ID is missing', async () => {
    const secrets = new FileSecretStore(tempDir());
    await expect(openDrive({ secrets, env: emulatorEnv(emu) })).rejects.toThrow(
      /not connected: run `cairn drive connect`/,
    );
    await expect(openDrive({ secrets, env: {} })).rejects.toThrow(/CAIRN_GOOGLE_CLIENT_ID/);
  });

  it('connects headless with CAIRN_DRIVE_REFRESH_TOKEN', async () => {
    const { remote } = await openDrive({
      secrets: new FileSecretStore(tempDir()),
      env: emulatorEnv(emu, emu.issueRefreshToken()),
    });
    const about = await remote.about();
    expect(about.displayName).toBe('Cairn Tester');
    expect(about.usage).toBeGreaterThanOrEqual(0);
  });
});
