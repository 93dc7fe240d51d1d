// The backups of each plan, newest first, as backupList gave them.
import type { StateCreator } from 'zustand';
import type { z } from 'zod';
import type { BackupList } from '../../../shared/contract';
import type { AppState } from './store';

export type ListedBackup = z.output<typeof BackupList>['backups'][number];

export interface BackupsSlice {
  backups: Record<string, ListedBackup[]>;
  backupsError: string | null;
  /** Bumped when a run finishes or a pin changes, so views that list backups fetch again. */
  backupsVersion: number;
  setBackups(plan: string, list: ListedBackup[]): void;
  setBackupsError(message: string | null): void;
  invalidateBackups(): void;
}

/** Creates the backups slice. */
export const createBackupsSlice: StateCreator<AppState, [], [], BackupsSlice> = (set) => ({
  backups: {},
  backupsError: null,
  backupsVersion: 0,
  setBackups: (plan, list) => set((s) => ({ backups: { ...s.backups, [plan]: list }, backupsError: null })),
  setBackupsError: (backupsError) => set({ backupsError }),
  invalidateBackups: () => set((s) => ({ backupsVersion: s.backupsVersion + 1 })),
});
