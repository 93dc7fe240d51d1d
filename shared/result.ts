/** An error as it crosses a process boundary: a code for programs, one plain sentence for people. */
export interface ContractError {
  code: string;
  message: string;
}

/** What every contract call returns: errors are values, never thrown across IPC or HTTP. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };

/** Wraps a value as a success. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Wraps an error as a failure. */
export function fail<T = never>(code: string, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}
