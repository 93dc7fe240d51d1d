import type { Migration } from '../migrate';

/**
 * Large contents on Drive as pieces (format16 §1): for a content stored in pieces, its piece list in order
 * (the whole content's SHA-256, the piece's index from 0, the piece's own SHA-256 and size). The pieces
 * themselves are contents of packs (drive_pack_contents), deduplicated like any other.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'drive-pieces',
  up: (db) => {
    db.exec(`
      CREATE TABLE drive_pieces (
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        sha256 TEXT NOT NULL,
        idx INTEGER NOT NULL,
        piece_sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (plan_id, sha256, idx)
      ) WITHOUT ROWID;
      CREATE INDEX drive_pieces_piece ON drive_pieces(plan_id, piece_sha256);
    `);
  },
};
