import type { Migration } from '../migrate';

/**
 * Incremental manifests on Drive: a backup's manifest and its pack map are each either full (parent NULL)
 * or a delta against the named parent backup on Drive (format16 section 3).
 */
export const migration0009: Migration = {
  version: 9,
  name: 'drive-deltas',
  up: (db) => {
    db.exec(`
      ALTER TABLE drive_manifests ADD COLUMN manifest_parent TEXT;
      ALTER TABLE drive_manifests ADD COLUMN map_parent TEXT;
    `);
  },
};
