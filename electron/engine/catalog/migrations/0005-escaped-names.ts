import type { Migration } from '../migrate';

/** escapeField in SQL: backslash first, then tab, newline and carriage return. */
const escaped = (col: string) =>
  `replace(replace(replace(replace(${col}, '\\', '\\\\'), char(9), '\\t'), char(10), '\\n'), char(13), '\\r')`;
const special = (col: string) =>
  `(instr(${col}, '\\') OR instr(${col}, char(9)) OR instr(${col}, char(10)) OR instr(${col}, char(13)))`;

/**
 * File versions keep parents, names and symlink targets in the manifest's escaped form from now on, so that
 * a name's bytes that are not UTF-8 survive as \xHH (SQLite text would turn them into U+FFFD). Rows written
 * before hold names as they are: escape the few with a backslash, tab, newline or carriage return.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'escaped-names',
  up: (db) => {
    for (const col of ['parent', 'name', 'target']) {
      db.exec(`UPDATE file_versions SET ${col} = ${escaped(col)} WHERE ${special(col)}`);
    }
  },
};
