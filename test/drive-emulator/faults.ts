import { ApiError, errors } from './protocol';

/**
 * What can go wrong, each for the next `times` matching requests:
 * - `expire-token`: 401 authError, and the access token used is revoked (the client must refresh).
 * - `user-rate-limit` / `rate-limit`: 403 userRateLimitExceeded / rateLimitExceeded.
 * - `too-many-requests`: 429 rateLimitExceeded. `server-error`: 500. `unavailable`: 503.
 * - `storage-quota`: 403 storageQuotaExceeded. `upload-limit`: 403 uploadLimitExceeded.
 *   `daily-limit`: 403 dailyLimitExceeded.
 * - `drop-upload`: the connection is destroyed after `afterBytes` bytes of the upload body
 *   (default: half the body); a resumable chunk keeps what was received, rounded down to 256 KiB.
 * - `expire-session`: the resumable session is forgotten and the request answered 404, as Drive does
 *   for a session that expired (after a week) or broke.
 * - `drop-download`: a media download's connection is destroyed after `afterBytes` bytes (default half).
 * - `drop-response`: the request is carried out, then the connection is destroyed before the response
 *   (a create the client cannot know succeeded).
 * - `invalid-grant`: the token endpoint answers invalid_grant to a refresh.
 * - `access-denied`: the consent page redirects back with error=access_denied.
 * - `scope-denied`: the user unticks the Drive permission (granular consent): the grant lacks drive.file.
 * With `untilMs` a fault hits every matching request until the emulator's clock reaches it (Google's
 * daily cap for a stretch of time); `retryAfter` adds a `Retry-After` header to its error answer.
 */
export type FaultKind =
  | 'expire-token'
  | 'user-rate-limit'
  | 'rate-limit'
  | 'too-many-requests'
  | 'server-error'
  | 'unavailable'
  | 'storage-quota'
  | 'upload-limit'
  | 'daily-limit'
  | 'drop-upload'
  | 'drop-download'
  | 'expire-session'
  | 'drop-response'
  | 'invalid-grant'
  | 'access-denied'
  | 'scope-denied';

/** A fault to switch on. `op` narrows it to requests of one operation (see `Op`), prefix by dots. */
export interface FaultSpec {
  kind: FaultKind;
  /** How many matching requests it hits (default 1). */
  times?: number;
  op?: string;
  /** Matching requests to let through before the fault starts (default 0). */
  skip?: number;
  /** For drop-upload / drop-download: body bytes that get through before the connection is cut. */
  afterBytes?: number;
  /** The fault lasts until this time on the emulator's clock (epoch ms); `times` is then unlimited. */
  untilMs?: number;
  /** A `Retry-After` header (seconds, or an HTTP date) sent with the fault's error answer. */
  retryAfter?: string;
}

/** A switched-on fault and how often it has fired. */
export interface Fault extends FaultSpec {
  id: number;
  remaining: number;
  fired: number;
}

/**
 * The operation a request is, used for fault matching, counting and the log:
 * about.get, files.create, files.create.multipart, files.create.resumable, files.upload.chunk,
 * files.upload.status, files.upload.cancel, files.list, files.get, files.get.media, files.delete, oauth.auth,
 * oauth.token.code, oauth.token.refresh.
 */
export type Op = string;

/** When in a request's life a fault can strike. */
export type Phase = 'before' | 'body' | 'after';

const API_ERRORS: Partial<Record<FaultKind, () => ApiError>> = {
  'expire-token': errors.authError,
  'user-rate-limit': errors.userRateLimit,
  'rate-limit': errors.rateLimit,
  'too-many-requests': errors.tooMany,
  'server-error': () => errors.backend(500),
  unavailable: () => errors.backend(503),
  'storage-quota': errors.storageQuota,
  'upload-limit': errors.uploadLimit,
  'daily-limit': errors.dailyLimit,
};

function phaseOf(kind: FaultKind): Phase {
  if (kind === 'drop-upload' || kind === 'drop-download') return 'body';
  if (kind === 'drop-response') return 'after';
  return 'before';
}

function applies(f: Fault, op: Op): boolean {
  if (f.op) return op === f.op || op.startsWith(f.op + '.');
  if (f.kind === 'drop-upload') return op === 'files.create.multipart' || op === 'files.upload.chunk';
  if (f.kind === 'drop-download') return op === 'files.get.media';
  if (f.kind === 'expire-session') return op.startsWith('files.upload.');
  if (f.kind === 'invalid-grant') return op === 'oauth.token.refresh';
  if (f.kind === 'access-denied' || f.kind === 'scope-denied') return op === 'oauth.auth';
  return !op.startsWith('oauth.');
}

/** The switchboard of faults; the first live fault that matches a request fires. */
export class Faults {
  readonly list: Fault[] = [];
  private nextId = 1;

  /** Switches a fault on and returns it (watch `fired`). */
  add(spec: FaultSpec): Fault {
    if (
      !(spec.kind in API_ERRORS) &&
      ![
        'drop-upload',
        'drop-download',
        'expire-session',
        'drop-response',
        'invalid-grant',
        'access-denied',
        'scope-denied',
      ].includes(spec.kind)
    ) {
      throw new Error(`unknown fault kind ${spec.kind}`);
    }
    const times = spec.times ?? (spec.untilMs !== undefined ? Number.MAX_SAFE_INTEGER : 1);
    const f: Fault = { ...spec, id: this.nextId++, remaining: times, fired: 0 };
    this.list.push(f);
    return f;
  }

  /** Takes the next fault for this request and phase at `now`, consuming one of its `times`. */
  take(op: Op, phase: Phase, now: number): Fault | null {
    for (const f of this.list) {
      if (f.remaining <= 0 || phaseOf(f.kind) !== phase || !applies(f, op)) continue;
      if (f.untilMs !== undefined && now >= f.untilMs) continue;
      if ((f.skip ?? 0) > 0) {
        f.skip = f.skip! - 1;
        continue;
      }
      f.remaining--;
      f.fired++;
      return f;
    }
    return null;
  }

  /** Switches every fault off. */
  clear(): void {
    this.list.length = 0;
  }
}

/** The Drive error a fault answers with (with its Retry-After), or null for faults that are not one. */
export function faultError(f: FaultSpec): ApiError | null {
  const e = API_ERRORS[f.kind]?.();
  if (!e || f.retryAfter === undefined) return e ?? null;
  return new ApiError(e.status, e.reason, e.message, e.domain, e.extra, { 'retry-after': f.retryAfter });
}
