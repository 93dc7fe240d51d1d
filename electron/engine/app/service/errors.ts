import { fail, type Result } from '../../../../shared/result';
import { CairnError, describeError } from '../../errors';

/** A contract failure the engine has no CairnError code for ('unavailable', 'invalid-input'). */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** Says plainly that a feature is not in this build yet. */
export function unavailable(what: string): ServiceError {
  return new ServiceError('unavailable', `${what} is not available in this version of Cairn yet.`);
}

/** Turns anything thrown by a handler into a failure value with a code and one plain sentence. */
export function toFailure<T>(e: unknown): Result<T> {
  if (e instanceof CairnError || e instanceof ServiceError) return fail(e.code, e.message);
  if (e instanceof Error && e.name === 'AbortError') return fail('cancelled', 'The operation was cancelled.');
  return fail('internal', `Cairn stopped on an unexpected error: ${describeError(e)}`);
}
