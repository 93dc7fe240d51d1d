import type { Migration } from '../migrate';

/**
 * What changed between two backups (catalog/changes.ts) reads the versions a backup started: an index on
 * (plan_id, first_backup) makes that a range scan instead of a pass over every version of the plan.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'changes-index',
  up: (db) => {
    db.exec('CREATE INDEX file_versions_first ON file_versions(plan_id, first_backup)');
  },
};
