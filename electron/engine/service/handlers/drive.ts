import type { HandlerGroup } from '../context';
import { unavailable } from '../errors';

/** Google Drive: every call says plainly that Drive is not in this build until its engine lands. */
export const driveHandlers: HandlerGroup<
  'driveStatus' | 'driveConnect' | 'driveDisconnect' | 'drivePush' | 'driveSetPassword'
> = {
  driveStatus: () => {
    throw unavailable('Google Drive');
  },
  driveConnect: () => {
    throw unavailable('Google Drive');
  },
  driveDisconnect: () => {
    throw unavailable('Google Drive');
  },
  drivePush: () => {
    throw unavailable('Google Drive');
  },
  driveSetPassword: () => {
    throw unavailable('Google Drive');
  },
};
