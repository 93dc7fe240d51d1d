import { expect } from 'vitest';
import { DriveError } from '../../electron/engine/drive/errors';

/** The DriveError `p` fails with; the test fails when `p` succeeds or fails with anything else. */
export async function driveFailure(p: Promise<unknown>): Promise<DriveError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DriveError);
  return e as DriveError;
}
