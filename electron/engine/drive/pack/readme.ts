/** Bump when the README text changes, so the next push replaces the copy on Drive. */
export const README_VERSION = 3;

export const SCRIPT_BEGIN = '----- restore.sh begins -----';
export const SCRIPT_END = '----- restore.sh ends -----';

/**
 * The standard-tools restore: needs only sh, tar, gzip, coreutils and (for encrypted backups) age.
 * Usage: sh restore.sh PLAN_FOLDER STAMP TARGET. Tested byte for byte by test/drive-recipe.test.ts.
 */
// String.raw keeps the shell's backslashes; its "\${" (written so the template does not interpolate) becomes "${".
export const RESTORE_SCRIPT = String.raw`#!/bin/sh
# Restores one Cairn backup from a downloaded Drive folder, without Cairn.
set -eu
if [ $# -ne 3 ]; then echo "usage: sh restore.sh PLAN_FOLDER STAMP TARGET" >&2; exit 2; fi
src=$1; stamp=$2; out=$3
TAB=$(printf '\t')
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/content" "$out"
# Prints a file of the backup, decrypting it with the key when its name ends in .age.
dec() {
  case $1 in
    *.age) age -d -i "$work/key.txt" "$1" ;;
    *) cat "$1" ;;
  esac
}
m=$src/manifests/$stamp.tsv.gz; map=$src/manifests/$stamp.packs.tsv.gz
if [ ! -f "$m" ]; then
  m=$m.age; map=$map.age
  [ -f "$m" ] || { echo "no manifest for $stamp in $src/manifests" >&2; exit 1; }
  echo "The backup is encrypted: age asks for the Cairn Drive password." >&2
  age -d -o "$work/key.txt" "$src/keys/identity.age"
fi
# 1. Unpack the packs this backup needs: each member is one content, named by its SHA-256.
dec "$map" | gzip -dc | cut -f2 | sort -u > "$work/packs"
while IFS= read -r pack; do
  dec "$src/packs/$pack" | tar -xzf - -C "$work/content"
done < "$work/packs"
# Manifest fields are escaped: backslash, tab, newline, CR as \\ \t \n \r, a byte of a name that is not
# UTF-8 as \xHH. printf %b undoes it (coreutils' printf for \xHH: dash's built-in one does not know it).
# (Sets $u; a command substitution would drop a trailing newline of the name.)
unesc() {
  case $1 in
    *\\x*) u=$(env printf '%bx' "$1") ;;
    *) u=$(printf '%bx' "$1") ;;
  esac
  u=\${u%x}
}
# 2. Walk the manifest: kind, path, size, mtime_ms, mode_octal, sha256, symlink_target, ...
dec "$m" | gzip -dc | grep -v '^#' > "$work/manifest"
: > "$work/dirs"
while IFS="$TAB" read -r kind path size mtime mode sha target rest; do
  unesc "$path"; p=$out/$u
  ms=\${mtime%%.*}; frac=\${mtime#"$ms"}; frac=\${frac#.}
  when="@$((ms / 1000)).$(printf '%03d' $((ms % 1000)))$frac"
  case $kind in
    d) mkdir -p "$p"; printf '%s\t%s\t%s\n' "$mode" "$when" "$path" >> "$work/dirs" ;;
    f) cp "$work/content/$sha" "$p"; chmod "$mode" "$p"; touch -h -d "$when" "$p" ;;
    l) unesc "$target"; ln -s "$u" "$p"; touch -h -d "$when" "$p" ;;
  esac
done < "$work/manifest"
# 3. Folder modes and times last, deepest first, so read-only folders could be filled.
sort -r -t "$TAB" -k3 "$work/dirs" | while IFS="$TAB" read -r mode when path; do
  unesc "$path"; p=$out/$u; chmod "$mode" "$p"; touch -d "$when" "$p"
done
echo "Restored $stamp to $out" >&2
`.replace(/\\\$\{/g, '${');

/** README.txt in each plan's Drive folder: what the files are and how to restore without Cairn. */
export function readmeText(machine: string, plan: string): string {
  return `Cairn backups of plan "${plan}" from ${machine}
=====================================================

These files are backups made by Cairn. The easy way back is Cairn itself: on any machine,
"cairn drive connect", then "cairn drive import" and "cairn restore PLAN/STAMP --to FOLDER".

Without Cairn, you need only sh, tar, gzip, coreutils and (if a password was set) age
(https://age-encryption.org; "apt install age"). Download this whole folder (Drive's "Download"
makes a zip of it), unzip it, save the lines between the markers below as restore.sh, and run:

    sh restore.sh ./${plan} 2026-11-23_020000 ./restored

with the backup's stamp (the names in manifests/ are the stamps). With a password, age asks for it once.

What is here
------------
- manifests/STAMP.tsv.gz: one line per file, folder and symlink of the backup, tab-separated:
  kind (f, d, l), path, size, mtime in ms, mode in octal, SHA-256, symlink target, and three
  columns Cairn uses itself. Paths escape backslash, tab, newline and CR as \\\\ \\t \\n \\r,
  and each byte of a name that is not UTF-8 as \\xHH (printf %b undoes all of it).
- manifests/STAMP.packs.tsv.gz: "SHA-256 <TAB> pack file" for every content of that backup.
- packs/*.tar.gz: the contents, each stored once for all backups. Each member is named by its SHA-256.
- With a password, every file ends in .age: decrypt with "age -d -i key.txt FILE", where key.txt
  comes from "age -d -o key.txt keys/identity.age" (this asks for the password).
- plan.json: the plan's settings (sources, excludes, schedule, retention); backups.json: pins and notes.

To find one file: zcat manifests/STAMP.tsv.gz | grep 'name', take its SHA-256 (column 6), find its
pack with zcat manifests/STAMP.packs.tsv.gz | grep SHA, and run: tar -xzf packs/PACK SHA

${SCRIPT_BEGIN}
${RESTORE_SCRIPT}${SCRIPT_END}
`;
}

/** The script out of a README.txt (what a user would copy), for the recipe test. */
export function scriptFromReadme(readme: string): string {
  const a = readme.indexOf(SCRIPT_BEGIN);
  const b = readme.indexOf(SCRIPT_END);
  if (a < 0 || b < a) throw new Error('README.txt holds no restore.sh');
  return readme.slice(a + SCRIPT_BEGIN.length + 1, b);
}
