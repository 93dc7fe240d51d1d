import { RECIPE_TOOLS, RESTORE_SCRIPT } from './recipe';

/** Bump when the README text changes, so the next push replaces the copy on Drive. */
export const README_VERSION = 5;

export const SCRIPT_BEGIN = '----- restore.sh begins -----';
export const SCRIPT_END = '----- restore.sh ends -----';

/** Saves restore.sh out of README.txt (any line ending), as the README tells the user to. */
export const EXTRACT_COMMAND = `awk '/^${SCRIPT_END}/ { p = 0 } p { sub(/\\r$/, ""); print } /^${SCRIPT_BEGIN}/ { p = 1 }' README.txt > restore.sh`;

/** README.txt in each plan's Drive folder: what the files are and how to restore without Cairn. */
export function readmeText(machine: string, plan: string): string {
  return `Cairn backups of plan "${plan}" from ${machine}
=====================================================

These files are backups made by Cairn. The easy way back is Cairn itself: on any machine,
"cairn drive connect", then "cairn drive import" and "cairn restore PLAN/STAMP --to FOLDER".

Restoring without Cairn
-----------------------
You need a shell with the usual tools: ${RECIPE_TOOLS.filter((t) => t !== 'age').join(' ')}
(Linux, macOS, Windows with Git Bash or WSL all have them), plus "age" if a password was set
(https://age-encryption.org: "apt install age", "brew install age", or age.exe from
https://github.com/FiloSottile/age/releases on Windows), and "unzip" for Drive's download.

1. Download this folder: in Drive, right-click the folder that holds this README.txt > Download.
   Drive makes zip files of it; a large folder comes as SEVERAL zips (NAME-001.zip, NAME-002.zip, ...),
   each holding a part of the files. Unpack EVERY zip into the SAME folder, for example:
       for z in "${plan}"-*.zip; do unzip -o -q "$z"; done
   (macOS and Windows 10 or later can also use "tar -xf FILE.zip"; Explorer's "Extract all" works if
   you give every zip the same destination. Finder puts the second zip into "${plan} 2": move its
   files into the first folder.) restore.sh names any pack it cannot find.
2. Go into the plan's folder and save the script below in it as restore.sh:
       cd "${plan}" && ${EXTRACT_COMMAND}
   (or copy the lines between the two marker lines at the end into a file with a text editor).
3. Run it with the backup's stamp (the names in manifests/ start with the stamps) and a new folder
   (it refuses one that is not empty):
       sh restore.sh . 2026-11-23_020000 ../restored
   With a password, age asks for it once.

restore.sh unpacks one pack at a time into a folder under $TMPDIR (or /tmp), so it needs free room
there for one pack unpacked (packs hold about 32 MiB; set TMPDIR to use another disk), besides the
restored files in the target. It puts back contents, folders, symlinks, modes and modification times.
On Windows, names that Windows does not allow (such as "a:b" or a newline) cannot be made, and Git
Bash makes symlinks only with Windows' Developer Mode on; WSL restoring into its own Linux folders
has neither limit.

What is here
------------
- manifests/STAMP.tsv.gz: one line per file, folder and symlink of the backup, tab-separated:
  kind (f, d, l), path, size, mtime in ms, mode in octal, SHA-256, symlink target, and three
  columns Cairn uses itself. Paths escape backslash, tab, newline and CR as \\\\ \\t \\n \\r,
  and each byte of a name that is not UTF-8 as \\xHH. Lines starting with # are headers.
- manifests/STAMP.packs.tsv.gz: the pack map, "SHA-256 <TAB> pack file" for every content of that
  backup. A file of 64 MiB or more is stored as pieces of 8 MiB: one line per piece, in order,
  "SHA-256 <TAB> pack file <TAB> INDEX <TAB> piece SHA-256" (piece INDEX holds the bytes from
  INDEX x 8 MiB on).
- manifests/STAMP.delta.tsv.gz and STAMP.packs.delta.tsv.gz: a backup stored as changes to an
  earlier one. The first line is "# cairn-delta parent=PARENT_STAMP"; then the manifest lines of the
  files added or changed since the parent, "-<TAB>path" for each one removed, and the map lines of
  the new contents. Start from the full files the parents lead to and apply the deltas in order.
- packs/*.tar.gz: the contents (and pieces), each stored once for all backups, named by SHA-256.
- With a password, every file ends in .age: decrypt with "age -d -i key.txt FILE", where key.txt
  comes from "age -d -o key.txt keys/identity.age" (this asks for the password).
- plan.json: the plan's settings (sources, excludes, schedule, retention); backups.json: pins and notes.

To find one file: gzip -dc manifests/STAMP.tsv.gz | grep 'name', take its SHA-256 (column 6), find
its pack with gzip -dc manifests/STAMP.packs.tsv.gz | grep SHA, and run: tar -xzf packs/PACK SHA
(for a backup stored as changes, look in its delta files first, then its parent's). A file in pieces
has one map line per piece: extract each piece SHA-256 from its pack the same way, then join them in
INDEX order: cat PIECE0 PIECE1 PIECE2 ... > FILE

${SCRIPT_BEGIN}
${RESTORE_SCRIPT}${SCRIPT_END}
`;
}

/** The script out of a README.txt: the lines between the marker lines (the README quotes them elsewhere too). */
export function scriptFromReadme(readme: string): string {
  const a = readme.indexOf(`\n${SCRIPT_BEGIN}\n`);
  const b = readme.indexOf(`\n${SCRIPT_END}\n`, a + 1);
  if (a < 0 || b < 0) throw new Error('README.txt holds no restore.sh');
  return readme.slice(a + SCRIPT_BEGIN.length + 2, b + 1);
}
