import { CairnError } from '../errors';

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
  /** Root of both the API and the upload paths, with a trailing slash. */
  apiUrl: string;
  tokenUrl: string;
  authUrl: string;
  /** CAIRN_DRIVE_REFRESH_TOKEN: connects without a browser (automation, tests). */
  envRefreshToken: string | null;
}

function withSlash(u: string): string {
  return u.endsWith('/') ? u : `${u}/`;
}

/**
 * Resolves the Drive configuration: environment variables first (CAIRN_GOOGLE_CLIENT_ID,
 * CAIRN_GOOGLE_CLIENT_SECRET, CAIRN_DRIVE_API_URL, CAIRN_OAUTH_TOKEN_URL, CAIRN_OAUTH_AUTH_URL,
 * CAIRN_DRIVE_REFRESH_TOKEN), then stored settings, then Google's endpoints.
 */
export function driveConfig(settings: DriveSettings = {}, env: NodeJS.ProcessEnv = process.env): DriveConfig {
  const clientId = env.CAIRN_GOOGLE_CLIENT_ID || settings.clientId || '';
  const clientSecret = env.CAIRN_GOOGLE_CLIENT_SECRET || settings.clientSecret || '';
  if (!clientId || !clientSecret) {
    throw new CairnError(
      'usage',
      'Cairn needs your Google OAuth client ID and secret: set them in Settings or in ' +
        'CAIRN_GOOGLE_CLIENT_ID and CAIRN_GOOGLE_CLIENT_SECRET (the README says how to create them).',
    );
  }
  return {
    clientId,
    clientSecret,
    apiUrl: withSlash(env.CAIRN_DRIVE_API_URL || settings.apiUrl || DEFAULT_API_URL),
    tokenUrl: env.CAIRN_OAUTH_TOKEN_URL || settings.tokenUrl || DEFAULT_TOKEN_URL,
    authUrl: env.CAIRN_OAUTH_AUTH_URL || settings.authUrl || DEFAULT_AUTH_URL,
    envRefreshToken: env.CAIRN_DRIVE_REFRESH_TOKEN || null,
  };
}
