import { CairnError } from '../errors';
import { embeddedClient } from './embedded';

export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive.file';
export const DEFAULT_API_URL = 'https://www.googleapis.com/';
export const DEFAULT_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const DEFAULT_AUTH_URL = 'https://accounts.google.com/o/oauth2/v2/auth';

/** Drive settings a user can store (the catalog's settings table holds them under these names). */
export interface DriveSettings {
  clientId?: string | null;
  clientSecret?: string | null;
  apiUrl?: string | null;
  tokenUrl?: string | null;
  authUrl?: string | null;
}

/** Where Cairn talks to Google, and as which OAuth client. */
export interface DriveConfig {
  clientId: string;
  clientSecret: string;
  /** Where the client comes from: the user's own (environment or settings) or the one built into Cairn. */
  clientSource: ClientSource;
  /** Root of both the API and the upload paths, with a trailing slash. */
  apiUrl: string;
  tokenUrl: string;
  authUrl: string;
  /** CAIRN_DRIVE_REFRESH_TOKEN: connects without a browser (automation, tests). */
  envRefreshToken: string | null;
}

export type ClientSource = 'environment' | 'settings' | 'built-in';

/** Where to make an OAuth client (a Desktop app client) for Cairn. */
export const CLOUD_CONSOLE_URL = 'https://console.cloud.google.com/apis/credentials';

/** Cairn's Google Drive page (cairn serve and the app) names the fields; the CLI takes them on connect. */
export const NO_CLIENT_MESSAGE =
  'This copy of Cairn has no Google OAuth client built in: make one (a Desktop app client in ' +
  `${CLOUD_CONSOLE_URL}, the README says how), then enter its ID and secret on the Google Drive page, or ` +
  'run: cairn drive connect --client-id ID --client-secret SECRET (or set CAIRN_GOOGLE_CLIENT_ID and ' +
  'CAIRN_GOOGLE_CLIENT_SECRET).';

/**
 * The OAuth client to sign in as: the user's own (CAIRN_GOOGLE_CLIENT_ID/SECRET at run time, else the
 * settings) before the one built into this copy, else null. A user's client ID without its secret is
 * an error (it would be mixed with nothing).
 */
export function oauthClient(
  settings: DriveSettings = {},
  env: NodeJS.ProcessEnv = process.env,
  builtIn = embeddedClient(),
): { id: string; secret: string; source: ClientSource } | null {
  const fromEnv = !!(env.CAIRN_GOOGLE_CLIENT_ID || env.CAIRN_GOOGLE_CLIENT_SECRET);
  const id = env.CAIRN_GOOGLE_CLIENT_ID || settings.clientId || '';
  const secret = env.CAIRN_GOOGLE_CLIENT_SECRET || settings.clientSecret || '';
  if (id && secret) return { id, secret, source: fromEnv ? 'environment' : 'settings' };
  if (id || secret)
    throw new CairnError(
      'usage',
      `Your Google OAuth client needs both its ID and its secret; only the ${id ? 'ID' : 'secret'} is set.`,
    );
  return builtIn ? { ...builtIn, source: 'built-in' } : null;
}

function withSlash(u: string): string {
  return u.endsWith('/') ? u : `${u}/`;
}

/**
 * Resolves the Drive configuration: environment variables first (CAIRN_GOOGLE_CLIENT_ID,
 * CAIRN_GOOGLE_CLIENT_SECRET, CAIRN_DRIVE_API_URL, CAIRN_OAUTH_TOKEN_URL, CAIRN_OAUTH_AUTH_URL,
 * CAIRN_DRIVE_REFRESH_TOKEN), then stored settings, then the client built in and Google's endpoints.
 * Throws a `usage` error (NO_CLIENT_MESSAGE) when there is no OAuth client at all.
 */
export function driveConfig(
  settings: DriveSettings = {},
  env: NodeJS.ProcessEnv = process.env,
  builtIn = embeddedClient(),
): DriveConfig {
  const client = oauthClient(settings, env, builtIn);
  if (!client) throw new CairnError('usage', NO_CLIENT_MESSAGE);
  return {
    clientId: client.id,
    clientSecret: client.secret,
    clientSource: client.source,
    apiUrl: withSlash(env.CAIRN_DRIVE_API_URL || settings.apiUrl || DEFAULT_API_URL),
    tokenUrl: env.CAIRN_OAUTH_TOKEN_URL || settings.tokenUrl || DEFAULT_TOKEN_URL,
    authUrl: env.CAIRN_OAUTH_AUTH_URL || settings.authUrl || DEFAULT_AUTH_URL,
    envRefreshToken: env.CAIRN_DRIVE_REFRESH_TOKEN || null,
  };
}
