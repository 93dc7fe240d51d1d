import crypto from 'node:crypto';
import type http from 'node:http';
import { sendJson } from './protocol';

export const DRIVE_FILE_SCOPE = 'https://www.googleapis.com/auth/drive.file';

interface Grant {
  clientId: string;
  scope: string;
  revoked: boolean;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  used: boolean;
}

/** An OAuth error in the token endpoint's shape: `{error, error_description}`. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

function token(prefix: string): string {
  return prefix + crypto.randomBytes(24).toString('base64url');
}

/** Google's OAuth endpoints for installed apps: consent (auto-approved), code exchange with PKCE, refresh. */
export class OAuthServer {
  readonly access = new Map<string, { expiresAt: number; refresh: string }>();
  readonly grants = new Map<string, Grant>();
  readonly codes = new Map<string, PendingCode>();

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
    public accessTtlSec: number,
  ) {}

  /**
   * The consent page: checks the request and redirects to the loopback redirect URI with a code.
   * `answer`: what the user does (consents, denies, or unticks the Drive permission).
   */
  authorize(url: URL, res: http.ServerResponse, answer: 'consent' | 'deny' | 'no-drive'): void {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri') ?? '';
    let target: URL;
    try {
      target = new URL(redirectUri);
    } catch {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'Missing redirect_uri.' });
    }
    const problem =
      q.get('client_id') !== this.clientId
        ? 'invalid_client'
        : !['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname) || target.protocol !== 'http:'
          ? 'redirect_uri_mismatch'
          : q.get('response_type') !== 'code'
            ? 'unsupported_response_type'
            : q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')
              ? 'invalid_request'
              : !(q.get('scope') ?? '').split(' ').includes(DRIVE_FILE_SCOPE)
                ? 'invalid_scope'
                : null;
    if (problem === 'invalid_client' || problem === 'redirect_uri_mismatch') {
      return sendJson(res, 400, { error: problem, error_description: `Error 400: ${problem}` });
    }
    const state = q.get('state');
    if (state !== null) target.searchParams.set('state', state);
    if (problem || answer === 'deny') {
      target.searchParams.set('error', problem ?? 'access_denied');
    } else {
      const code = token('4/');
      const asked = q.get('scope')!;
      const scope =
        answer === 'no-drive'
          ? asked
              .split(' ')
              .filter((s) => s !== DRIVE_FILE_SCOPE)
              .join(' ')
          : asked;
      this.codes.set(code, {
        clientId: this.clientId,
        redirectUri,
        challenge: q.get('code_challenge')!,
        scope,
        used: false,
      });
      target.searchParams.set('code', code);
      target.searchParams.set('scope', scope);
    }
    res.writeHead(302, { location: target.toString() });
    res.end();
  }

  /** The token endpoint: `authorization_code` (with PKCE) and `refresh_token` grants. */
  exchange(form: URLSearchParams, authHeader: string | undefined, failRefresh: boolean): unknown {
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    if (authHeader?.startsWith('Basic ')) {
      const [u, p] = Buffer.from(authHeader.slice(6), 'base64').toString().split(':');
      id = decodeURIComponent(u ?? '');
      secret = decodeURIComponent(p ?? '');
    }
    if (id !== this.clientId || secret !== this.clientSecret) {
      throw new OAuthError(401, 'invalid_client', 'The OAuth client was not found.');
    }
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '');
      if (!code || code.used) throw new OAuthError(400, 'invalid_grant', 'Malformed auth code.');
      code.used = true;
      if (code.redirectUri !== form.get('redirect_uri')) {
        throw new OAuthError(400, 'redirect_uri_mismatch', 'Bad Request');
      }
      const verifier = form.get('code_verifier') ?? '';
      const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
      if (challenge !== code.challenge) throw new OAuthError(400, 'invalid_grant', 'Invalid code verifier.');
      const refresh = this.issueRefreshToken(code.scope);
      return { ...this.issueAccess(refresh), refresh_token: refresh };
    }
    if (grantType === 'refresh_token') {
      const refresh = form.get('refresh_token') ?? '';
      const grant = this.grants.get(refresh);
      if (failRefresh || !grant || grant.revoked || grant.clientId !== id) {
        throw new OAuthError(400, 'invalid_grant', 'Token has been expired or revoked.');
      }
      return this.issueAccess(refresh);
    }
    throw new OAuthError(400, 'unsupported_grant_type', 'Invalid grant_type.');
  }

  /** A refresh token for the drive.file scope, as if the user had consented (for headless connect). */
  issueRefreshToken(scope = DRIVE_FILE_SCOPE): string {
    const refresh = token('1//');
    this.grants.set(refresh, { clientId: this.clientId, scope, revoked: false });
    return refresh;
  }

  private issueAccess(refresh: string) {
    const access = token('ya29.');
    this.access.set(access, { expiresAt: Date.now() + this.accessTtlSec * 1000, refresh });
    return {
      access_token: access,
      expires_in: this.accessTtlSec,
      scope: this.grants.get(refresh)!.scope,
      token_type: 'Bearer',
    };
  }

  /** The access token of an `Authorization: Bearer` header if it is valid now, else null. */
  check(authHeader: string | undefined): string | null {
    const t = authHeader?.startsWith('Bearer ') ? authHeader.slice(7) : null;
    if (!t) return null;
    const a = this.access.get(t);
    if (!a || a.expiresAt <= Date.now() || this.grants.get(a.refresh)?.revoked) return null;
    return t;
  }

  /** Expires one access token now (the 401 fault). */
  expire(accessToken: string | null): void {
    if (accessToken) this.access.delete(accessToken);
  }

  /** Revokes every grant: refreshes fail with invalid_grant, as after 7 days in Google's Testing mode. */
  revokeAll(): void {
    for (const g of this.grants.values()) g.revoked = true;
  }
}
