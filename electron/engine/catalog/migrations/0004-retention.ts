import type { Migration } from '../migrate';

/**
 * Retention that keeps what people made on purpose: each plan keeps every backup of the last N hours
 * (keep_within_hours) and a backup made by hand with a note for N days (keep_noted_days); each backup says
 * whether a person asked for it (manual). Existing plans get the new defaults, except that a plan whose
 * count rules were changed from the old defaults (7 daily, 4 weekly, 12 monthly) keeps them as they were
 * with keep-within off: its user chose what to keep. Existing backups with a note a person wrote (not the
 * "before restore" safety backups, not the notes an import writes) count as made by hand.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'retention',
  up: (db) => {
    db.exec(`
      ALTER TABLE plans ADD COLUMN keep_within_hours INTEGER NOT NULL DEFAULT 24;
      ALTER TABLE plans ADD COLUMN keep_noted_days INTEGER NOT NULL DEFAULT 30;
      UPDATE plans SET keep_within_hours = 0
        WHERE NOT (keep_last = 0 AND keep_daily = 7 AND keep_weekly = 4 AND keep_monthly = 12 AND keep_yearly = 0);
      ALTER TABLE backups ADD COLUMN manual INTEGER NOT NULL DEFAULT 0;
      UPDATE backups SET manual = 1
        WHERE note IS NOT NULL AND note <> '' AND note NOT LIKE 'before restore of %' AND note NOT LIKE 'imported from %';
    `);
  },
};
