import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodeChallengeMethod, OAuth2Client, type Credentials } from 'google-auth-library';
import { CairnError } from '../errors';
import { DRIVE_SCOPE, type DriveConfig } from './config';
import { DriveError, errorDetails, notConnected, toDriveError } from './errors';
import { DRIVE_TOKENS_KEY, type SecretStore } from '../secrets/store';

/** Builds the auth client for the configured endpoints (never Google's defaults when overridden). */
export function createAuthClient(cfg: DriveConfig, redirectUri?: string): OAuth2Client {
  return new OAuth2Client({
    clientId: cfg.clientId,
    clientSecret: cfg.clientSecret,
    redirectUri,
    endpoints: { oauth2TokenUrl: cfg.tokenUrl, oauth2AuthBaseUrl: cfg.authUrl },
  });
}

async function saveTokens(secrets: SecretStore, t: Credentials): Promise<void> {
  await secrets.set(DRIVE_TOKENS_KEY, JSON.stringify(t));
}

/**
 * An auth client holding the stored tokens (or CAIRN_DRIVE_REFRESH_TOKEN), which writes refreshed
 * access tokens back to the secret store. Throws "Drive is not connected" when there are none.
 */
export async function authorizedClient(cfg: DriveConfig, secrets: SecretStore): Promise<OAuth2Client> {
  const auth = createAuthClient(cfg);
  if (cfg.envRefreshToken) {
    auth.setCredentials({ refresh_token: cfg.envRefreshToken });
    return auth;
  }
  const raw = await secrets.get(DRIVE_TOKENS_KEY);
  if (!raw) throw notConnected();
  const stored = JSON.parse(raw) as Credentials;
  if (!stored.refresh_token) throw notConnected();
  // Without an expiry date the auth client would refresh and retry on its own after any 401 or 403
  // (rate limits included); with one, Cairn's transport decides.
  auth.setCredentials({ ...stored, expiry_date: stored.expiry_date ?? 1 });
  auth.on('tokens', (t) => {
    void saveTokens(secrets, { ...auth.credentials, ...t, refresh_token: stored.refresh_token }).catch(
      () => undefined,
    );
  });
  return auth;
}

/** A consent request in progress: the URL for the browser and the values that check the answer. */
interface Consent {
  url: string;
  state: string;
  codeVerifier: string;
  redirectUri: string;
}

async function consent(cfg: DriveConfig, redirectUri: string): Promise<Consent> {
  const auth = createAuthClient(cfg, redirectUri);
  const { codeVerifier, codeChallenge } = await auth.generateCodeVerifierAsync();
  const state = crypto.randomBytes(16).toString('hex');
  const url = auth.generateAuthUrl({
    access_type: 'offline',
    prompt: 'consent',
    scope: [DRIVE_SCOPE],
    code_challenge_method: CodeChallengeMethod.S256,
    code_challenge: codeChallenge!,
    state,
  });
  return { url, state, codeVerifier, redirectUri };
}

/** Checks the redirect Google sent back, trades the code for tokens and stores them. */
async function finish(
  cfg: DriveConfig,
  secrets: SecretStore,
  c: Consent,
  redirect: URL,
): Promise<Credentials> {
  const error = redirect.searchParams.get('error');
  if (error) {
    throw new DriveError(
      'drive-auth',
      `Google did not grant Cairn access to Drive (${error}); connect again.`,
      error,
    );
  }
  if (redirect.searchParams.get('state') !== c.state) {
    throw new CairnError(
      'usage',
      'That address is not the answer to this connection request; connect again.',
    );
  }
  const code = redirect.searchParams.get('code');
  if (!code)
    throw new CairnError('usage', 'That address holds no authorization code; paste the whole address.');
  const auth = createAuthClient(cfg, c.redirectUri);
  let tokens: Credentials;
  try {
    tokens = (await auth.getToken({ code, codeVerifier: c.codeVerifier, redirect_uri: c.redirectUri }))
      .tokens;
  } catch (e) {
    if (errorDetails(e).reason === 'invalid_grant') {
      throw new DriveError(
        'drive-auth',
        'Google refused the authorization code (it expired or was already used); connect again.',
        'invalid_grant',
      );
    }
    throw toDriveError(e, 'finish connecting', Date.now());
  }
  // Google's granular consent lets the user untick the Drive permission; the grant is then useless to Cairn.
  if (tokens.scope !== undefined && !tokens.scope.split(' ').includes(DRIVE_SCOPE)) {
    throw new DriveError(
      'drive-auth',
      'Google did not give Cairn access to its Drive files: connect again and tick "See, edit, create, and ' +
        'delete only the specific Google Drive files you use with this app".',
      'scope_missing',
    );
  }
  if (!tokens.refresh_token) {
    throw new DriveError(
      'drive-auth',
      'Google sent no refresh token; remove Cairn at myaccount.google.com/permissions and connect again.',
      'no_refresh_token',
    );
  }
  await saveTokens(secrets, tokens);
  return tokens;
}

/** Options of the browser flow. */
export interface BrowserConnectOptions {
  cfg: DriveConfig;
  secrets: SecretStore;
  /** Opens the system browser (Electron shell.openExternal, `xdg-open`, or a test's fake browser). */
  openUrl: (url: string) => unknown;
  signal?: AbortSignal;
  /** How long to wait for the user (default 5 minutes). */
  timeoutMs?: number;
}

const DONE_PAGE =
  '<!doctype html><meta charset="utf-8"><title>Cairn</title><p>Cairn is connected to Google Drive. You can close this tab.</p>';

/**
 * OAuth for installed apps: opens the consent page in the browser and receives Google's redirect on a
 * loopback port of 127.0.0.1, with PKCE (S256). Stores the tokens and returns them.
 */
export async function connectWithBrowser(o: BrowserConnectOptions): Promise<Credentials> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  let timer: NodeJS.Timeout | undefined;
  try {
    const c = await consent(o.cfg, redirectUri);
    const answer = new Promise<URL>((resolve, reject) => {
      server.on('request', (req, res) => {
        const u = new URL(req.url ?? '/', redirectUri);
        if (!u.searchParams.has('code') && !u.searchParams.has('error')) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(DONE_PAGE);
        resolve(u);
      });
      timer = setTimeout(
        () =>
          reject(
            new CairnError('cancelled', 'Nobody answered the Google consent page in time; connect again.'),
          ),
        o.timeoutMs ?? 5 * 60_000,
      );
      o.signal?.addEventListener(
        'abort',
        () => reject(new CairnError('cancelled', 'Connecting Drive was cancelled.')),
        {
          once: true,
        },
      );
    });
    answer.catch(() => undefined);
    await o.openUrl(c.url);
    return await finish(o.cfg, o.secrets, c, await answer);
  } finally {
    clearTimeout(timer);
    server.closeAllConnections();
    server.close();
  }
}

/**
 * The `--no-browser` flow: print `url`, let the user open it anywhere, then pass the address the browser
 * ended on (an unreachable 127.0.0.1 page holding the code) to `finish`.
 */
export async function startManualConnect(
  cfg: DriveConfig,
  secrets: SecretStore,
): Promise<{ url: string; finish(pasted: string): Promise<Credentials> }> {
  const port = 1024 + crypto.randomInt(60000);
  const c = await consent(cfg, `http://127.0.0.1:${port}/`);
  return {
    url: c.url,
    finish: async (pasted) => {
      let u: URL;
      try {
        u = new URL(pasted.trim());
      } catch {
        throw new CairnError(
          'usage',
          'Paste the whole address from the browser, starting with http://127.0.0.1.',
        );
      }
      return finish(cfg, secrets, c, u);
    },
  };
}

/** Forgets the stored Drive tokens (the Drive files stay). */
export async function forgetTokens(secrets: SecretStore): Promise<void> {
  await secrets.delete(DRIVE_TOKENS_KEY);
}
