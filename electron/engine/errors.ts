/** Why an operation stopped; the CLI maps it to an exit code, the service to an error code. */
export type CairnErrorCode =
  | 'usage'
  | 'not-found'
  | 'conflict'
  | 'source-missing'
  | 'dest-missing'
  | 'dest-unwritable'
  | 'dest-overlap'
  | 'disk-full'
  | 'locked'
  | 'cancelled'
  | 'io'
  | 'corrupt'
  // Drive: not connected or grant revoked / storage full / Google's upload limit (wait) / other Drive failure.
  | 'drive-auth'
  | 'drive-quota'
  | 'drive-limit'
  | 'drive';

/** An error whose message is one plain sentence a user can act on. */
export class CairnError extends Error {
  constructor(
    readonly code: CairnErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CairnError';
  }
}

/** The errno code of a Node system error, or undefined. */
export function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
    ? e.code
    : undefined;
}

/** A message for an unexpected error, preferring a CairnError's own sentence. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
