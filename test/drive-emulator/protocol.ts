import type http from 'node:http';

/** One entry of a Drive error's `errors` array. */
export interface DriveErrorItem {
  reason: string;
  domain: string;
  message: string;
  location?: string;
  locationType?: string;
}

/** An HTTP status with a body in Drive's JSON error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly domain = 'global',
    readonly extra: Partial<DriveErrorItem> = {},
    /** Extra response headers (a fault's `Retry-After`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The body Drive sends: `{error:{code,message,errors:[{reason,domain,message}]}}`. */
  body(): unknown {
    return {
      error: {
        code: this.status,
        message: this.message,
        errors: [{ message: this.message, domain: this.domain, reason: this.reason, ...this.extra }],
        status: STATUS_NAMES[this.status] ?? 'UNKNOWN',
      },
    };
  }
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** Ready-made errors with the reasons and messages Google's servers use. */
export const errors = {
  authError: () =>
    new ApiError(401, 'authError', 'Request had invalid authentication credentials.', 'global', {
      location: 'Authorization',
      locationType: 'header',
    }),
  userRateLimit: () => new ApiError(403, 'userRateLimitExceeded', 'User rate limit exceeded.', 'usageLimits'),
  rateLimit: () => new ApiError(403, 'rateLimitExceeded', 'Rate limit exceeded.', 'usageLimits'),
  tooMany: () => new ApiError(429, 'rateLimitExceeded', 'Too many requests.', 'usageLimits'),
  backend: (status: 500 | 503) =>
    new ApiError(status, 'backendError', status === 500 ? 'Internal Error' : 'Service unavailable.'),
  storageQuota: () =>
    new ApiError(403, 'storageQuotaExceeded', "The user's Drive storage quota has been exceeded."),
  uploadLimit: () =>
    new ApiError(
      403,
      'uploadLimitExceeded',
      'The user has exceeded their daily upload limit.',
      'usageLimits',
    ),
  dailyLimit: () => new ApiError(403, 'dailyLimitExceeded', 'Daily Limit Exceeded', 'usageLimits'),
  notFound: (id: string) =>
    new ApiError(404, 'notFound', `File not found: ${id}.`, 'global', {
      location: 'fileId',
      locationType: 'parameter',
    }),
  invalid: (message: string, location?: string) =>
    new ApiError(400, 'invalid', message, 'global', location ? { location, locationType: 'parameter' } : {}),
  required: (message: string) => new ApiError(400, 'required', message),
};

/** A parsed `fields` selector: each name maps to true (whole value) or a nested selector. */
export type FieldSel = Map<string, FieldSel | true>;

/** Parses Drive's partial-response syntax: `id,name,files(id,md5Checksum),nextPageToken`, or `*`. */
export function parseFields(spec: string): FieldSel {
  let i = 0;
  const parseList = (): FieldSel => {
    const sel: FieldSel = new Map();
    for (let guard = 0; guard < 10_000 && i < spec.length; guard++) {
      const m = /^\s*([A-Za-z_*][\w*]*(?:\/[\w*]+)*)\s*/.exec(spec.slice(i));
      if (!m) throw errors.invalid(`Invalid field selection ${spec}`, 'fields');
      i += m[0].length;
      const parts = m[1]!.split('/');
      let node: FieldSel = sel;
      for (const p of parts.slice(0, -1)) {
        const next = node.get(p);
        const child: FieldSel = next instanceof Map ? next : new Map();
        node.set(p, child);
        node = child;
      }
      const last = parts[parts.length - 1]!;
      if (spec[i] === '(') {
        i++;
        node.set(last, parseList());
        if (spec[i] !== ')') throw errors.invalid(`Invalid field selection ${spec}`, 'fields');
        i++;
      } else node.set(last, true);
      while (spec[i] === ' ') i++;
      if (spec[i] === ',') i++;
      else break;
    }
    return sel;
  };
  const sel = parseList();
  if (i !== spec.length) throw errors.invalid(`Invalid field selection ${spec}`, 'fields');
  return sel;
}

/** Keeps only the selected fields of an object (arrays are filtered element by element). */
export function pick(value: unknown, sel: FieldSel | true): unknown {
  if (sel === true || sel.has('*')) return value;
  if (Array.isArray(value)) return value.map((v) => pick(v, sel));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, s] of sel) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = pick(v, s);
  }
  return out;
}

/** Sends a JSON body with the given status and extra headers. */
export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Reads a whole request body, refusing more than `max` bytes. */
export async function readBody(req: http.IncomingMessage, max = 64 * 1024 * 1024): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > max) throw new ApiError(413, 'uploadTooLarge', 'The request body is too large.');
    parts.push(c);
  }
  return Buffer.concat(parts);
}
