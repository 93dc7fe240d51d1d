import { removeBackupOp, removePreviewOp } from '../../ops/removeBackup';
import type { HandlerGroup } from '../context';
import { backupOf } from './backups';

/** History's actions on one backup that no other view has: removing it by hand, previewed first. */
export const historyHandlers: HandlerGroup<'backupRemovePreview' | 'backupRemove'> = {
  backupRemovePreview: (i, c) => {
    const { plan, backup } = backupOf(c.db, i.plan, i.stamp);
    return removePreviewOp(c, plan, backup);
  },
  backupRemove: (i, c) => {
    const { plan, backup } = backupOf(c.db, i.plan, i.stamp);
    return removeBackupOp(c, plan, backup);
  },
};
