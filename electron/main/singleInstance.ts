// One Cairn per user: a second start only brings the first one's window forward.
import { app } from 'electron';

/** Takes the lock; false means another Cairn runs and this one must quit at once. */
export function claimSingleInstance(onSecondStart: (argv: string[]) => void): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', (_e, argv) => onSecondStart(argv));
  return true;
}
