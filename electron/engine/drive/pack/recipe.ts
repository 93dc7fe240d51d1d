/** Every program restore.sh runs (the README lists them; the recipe test puts only these on PATH). */
export const RECIPE_TOOLS = [
  'sh',
  'awk',
  'sort',
  'tar',
  'gzip',
  'dd',
  'cat',
  'cp',
  'mkdir',
  'mktemp',
  'rm',
  'chmod',
  'touch',
  'ln',
  'age',
] as const;

/**
 * The standard-tools restore (format16 section 4): POSIX sh with the tools above, on Linux, macOS (BSD
 * userland) and Windows (Git Bash, WSL). Follows delta manifests and maps to their full parent, places
 * pieces with dd, and unpacks one pack at a time. Tested byte for byte by test/drive-recipe.test.ts.
 */
// String.raw keeps the shell's backslashes; its "\${" (written so the template does not interpolate) becomes "${".
export const RESTORE_SCRIPT = String.raw`#!/bin/sh
# Restores one Cairn backup from a downloaded Drive folder, without Cairn. POSIX sh (Linux, macOS,
# Windows Git Bash or WSL); needs only sh awk sort tar gzip dd cat cp mkdir mktemp rm chmod touch ln,
# and age for an encrypted backup. Usage: sh restore.sh PLAN_FOLDER STAMP TARGET
set -eu
if [ $# -ne 3 ]; then echo "usage: sh restore.sh PLAN_FOLDER STAMP TARGET" >&2; exit 2; fi
src=$1; stamp=$2; out=$3
case $src in -*) src=./$src ;; esac
case $out in -*) out=./$out ;; esac
LC_ALL=C; export LC_ALL
TAB=$(printf '\t')
die() { echo "restore.sh: $*" >&2; exit 1; }
[ -d "$src/manifests" ] || die "$src/manifests is missing: give the plan's folder (the one with README.txt)"
mkdir -p "$out"
for x in "$out"/* "$out"/.[!.]* "$out"/..?*; do
  if [ -e "$x" ] || [ -L "$x" ]; then die "$out is not empty: restore into a new folder"; fi
done
# The work folder holds the backup's lists and, one pack at a time, the unpacked pack being placed.
W=$(mktemp -d "\${TMPDIR:-/tmp}/cairn-restore.XXXXXX"); export W
trap 'rm -rf "$W"' EXIT
trap 'exit 1' HUP INT TERM
# New files are 644 and folders 755: those need no chmod at the end.
umask 022
# Git Bash on Windows: real symlinks (or an error), never copies. Other systems ignore it.
MSYS=winsymlinks:nativestrict; export MSYS

# The key of an encrypted backup: age asks for the Cairn Drive password once.
key() {
  if [ ! -f "$W/key.txt" ]; then
    echo "The backup is encrypted: age asks for the Cairn Drive password." >&2
    age -d -o "$W/key.txt" "$src/keys/identity.age"
  fi
}
# Prints a file of the Drive folder, decrypted when its name ends in .age, then gunzipped.
plain() {
  case $1 in
    *.age) key; age -d -i "$W/key.txt" "$1" | gzip -dc ;;
    *) gzip -dc < "$1" ;;
  esac
}
found() { if [ -f "$1" ]; then f=$1; elif [ -f "$1.age" ]; then f=$1.age; else return 1; fi; }

# 1. The backup's manifest and pack map. Each is FULL (STAMP.tsv.gz, STAMP.packs.tsv.gz) or a DELTA
# (STAMP.delta.tsv.gz, STAMP.packs.delta.tsv.gz) whose first line "# cairn-delta parent=STAMP" names the
# backup it changes: follow the parents to a full file, then apply the deltas oldest first. A delta line
# replaces the line with the same path (manifest) or SHA-256 and piece index (map); "-<TAB>path" removes.
MERGE='{ k = (m ? $2 : $1 FS $3) }
FILENAME == ARGV[1] { if (!/^#/) { if (!(k in new)) key[++n] = k; new[k] = $0 }; next }
/^#/ || (k in new) { next }
{ print }
END { for (i = 1; i <= n; i++) if (substr(new[key[i]], 1, 2) != "-" FS) print new[key[i]] }'
rebuild() { # KIND ("" or ".packs") M (1 for the manifest) NAME; sets $r to the rebuilt file
  s=$stamp; n=0
  while ! found "$src/manifests/$s$1.tsv.gz"; do
    found "$src/manifests/$s$1.delta.tsv.gz" || die "no $3 of backup $s in $src/manifests (is every zip unpacked?)"
    n=$((n + 1)); plain "$f" > "$W/delta$n"
    s=$(awk 'NR == 1 { if (sub(/^# cairn-delta parent=/, "")) print; exit }' "$W/delta$n")
    [ -n "$s" ] || die "$f does not start with its parent's stamp"
    [ $n -lt 10000 ] || die "the $3s of $stamp form a loop"
  done
  r=$W/$3; plain "$f" > "$r"
  while [ $n -gt 0 ]; do
    awk -F "$TAB" -v m="$2" "$MERGE" "$W/delta$n" "$r" > "$r.$n"
    rm -f "$W/delta$n" "$r"; r=$r.$n; n=$((n - 1))
  done
}
rebuild "" 1 manifest; manifest=$r
rebuild .packs 0 map; map=$r

# 2. Which packs are here: a large folder comes from Drive as several zips, and one not unpacked lacks packs.
: > "$W/lost"
awk -F "$TAB" '!/^#/ { print $2 }' "$map" | sort -u > "$W/packs"
while IFS= read -r pack; do [ -f "$src/packs/$pack" ] || echo "$pack" >> "$W/lost"; done < "$W/packs"

# 3. The lists, from the map and the manifest (kind path size mtime_ms mode sha256 target ...):
# dirs (mode mtime path), ents (f or l, mode, mtime, path, target), plan (pack member index path: a whole
# content has index -, a piece of a large file its index) and missing (path, why). Map lines are
# "SHA256 TAB PACK" or, for a piece, "SHA256 TAB PACK TAB INDEX TAB PIECE_SHA256" (8 MiB pieces).
# Paths keep their escapes (\\ \t \n \r, \xHH for a byte that is not UTF-8), with \xHH turned into
# \0ooo, which every sh's printf %b decodes.
: > "$W/dirs"; : > "$W/leaves"; : > "$W/ents"; : > "$W/plan"; : > "$W/missing"
awk -F "$TAB" '
function b(s,   o, i, c, h) {
  if (index(s, "\\x") == 0) return s
  o = ""
  while ((i = index(s, "\\")) > 0) {
    c = substr(s, i + 1, 1)
    if (c == "x") {
      h = tolower(substr(s, i + 2, 2))
      c = sprintf("\\0%03o", (index(H, substr(h, 1, 1)) - 1) * 16 + index(H, substr(h, 2, 1)) - 1)
      o = o substr(s, 1, i - 1) c; s = substr(s, i + 4)
    } else { o = o substr(s, 1, i + 1); s = substr(s, i + 2) }
  }
  return o s
}
function avail(s, size,   i) {
  use = ""
  if ((s in whole) && !(whole[s] in lost)) { use = whole[s]; return 1 }
  why = "no pack holds its content"
  if (s in whole) why = "packs/" whole[s] " is not in the folder"
  np = int((size + P - 1) / P)
  for (i = 0; i < np; i++) {
    if (!((s, i) in pk)) return 0
    if (pk[s, i] in lost) { why = "packs/" pk[s, i] " is not in the folder"; return 0 }
  }
  return 1
}
BEGIN { OFS = FS; P = 8388608; H = "0123456789abcdef"; W = ENVIRON["W"] }
FILENAME == ARGV[1] { lost[$0] = 1; next }
FILENAME == ARGV[2] { if (!/^#/) { if (NF >= 4) { pk[$1, $3] = $2; pm[$1, $3] = $4 } else whole[$1] = $2 }; next }
/^#/ { next }
$1 == "d" { p = b($2); print $5, $4, p > (W "/dirs"); dir[++nd] = p; next }
$1 == "l" { print "l", "-", $4, b($2), b($7) > (W "/ents"); next }
$1 != "f" { next }
{
  p = b($2)
  if ($3 > 0) {
    if (!avail($6, $3)) { print $2, why > (W "/missing"); next }
    if (use != "") print use, $6, "-", p > (W "/plan")
    else for (i = 0; i < np; i++) print pk[$6, i], pm[$6, i], i, p > (W "/plan")
  }
  print "f", $5, $4, p > (W "/ents")
}
END {
  for (i = 1; i <= nd; i++) { p = dir[i]; if (sub(/\/[^\/]*$/, "", p)) inner[p] = 1 }
  for (i = 1; i <= nd; i++) if (!(dir[i] in inner)) print dir[i] > (W "/leaves")
}
' "$W/lost" "$map" "$manifest"

# Sets $u to a path of the lists, unescaped (the x keeps a trailing newline of a name).
unesc() {
  case $1 in
    *\\*) u=$(printf '%bx' "$1"); u=\${u%x} ;;
    *) u=$1 ;;
  esac
}
# Sets $w to a manifest time (ms since 1970, maybe with a fraction) as YYYY-MM-DDThh:mm:ss.fracZ for
# POSIX touch -d, with shell arithmetic (days to a date as in Howard Hinnant's civil_from_days).
when() {
  ms=\${1%%.*}; fr=\${1#"$ms"}; fr=\${fr#.}
  sec=$((ms / 1000)); milli=$((ms % 1000))
  if [ $milli -lt 0 ]; then sec=$((sec - 1)); milli=$((milli + 1000)); fr=; fi
  day=$((sec / 86400)); tod=$((sec % 86400))
  if [ $tod -lt 0 ]; then day=$((day - 1)); tod=$((tod + 86400)); fi
  day=$((day + 719468)); era=$((day / 146097)); doe=$((day - era * 146097))
  yoe=$(((doe - doe / 1460 + doe / 36524 - doe / 146096) / 365))
  doy=$((doe - 365 * yoe - yoe / 4 + yoe / 100)); mp=$(((5 * doy + 2) / 153))
  dm=$((doy - (153 * mp + 2) / 5 + 101)); yy=$((yoe + era * 400 + 10000))
  if [ $mp -lt 10 ]; then mm=$((mp + 103)); else mm=$((mp + 91)); yy=$((yy + 1)); fi
  hh=$((tod / 3600 + 100)); mi=$((tod / 60 % 60 + 100)); ss=$((tod % 60 + 100)); milli=$((milli + 1000))
  w=\${yy#1}-\${mm#1}-\${dm#1}T\${hh#1}:\${mi#1}:\${ss#1}.\${milli#1}\${fr}Z
}

# 4. Folders (mkdir -p of the innermost ones makes the rest), then files (empty for now) and symlinks.
while IFS= read -r path; do unesc "$path"; mkdir -p "$out/$u"; done < "$W/leaves"
while IFS="$TAB" read -r kind mode mtime path target; do
  unesc "$path"; p=$out/$u
  if [ "$kind" = f ]; then : > "$p"; else unesc "$target"; ln -s -- "$u" "$p"; fi
done < "$W/ents"

# 5. Pack by pack: unpack it into $W/pack (members are named by SHA-256), copy a whole content to every
# path that holds it, write a piece at its offset, then delete the pack's files before the next pack.
sort -t "$TAB" -k1,1 "$W/plan" > "$W/plan.sorted"
total=$(awk -F "$TAB" '$1 != last { n++; last = $1 } END { print n + 0 }' "$W/plan.sorted")
cur=; k=0
while IFS="$TAB" read -r pack member index path; do
  if [ "$pack" != "$cur" ]; then
    rm -rf "$W/pack"; mkdir "$W/pack"; cur=$pack; k=$((k + 1))
    echo "restore.sh: pack $k of $total ($pack)" >&2
    case $pack in *.age) key ;; esac
    plain "$src/packs/$pack" | tar -xf - -C "$W/pack"
    chmod -R u+r "$W/pack" # a member keeps the mode its file had, which may not let it be read
  fi
  [ -f "$W/pack/$member" ] || die "packs/$pack does not hold $member: download that file again"
  unesc "$path"
  if [ "$index" = - ]; then cp "$W/pack/$member" "$out/$u"
  elif ! dd if="$W/pack/$member" of="$out/$u" bs=8388608 seek="$index" conv=notrunc 2> "$W/dd.err"; then
    cat "$W/dd.err" >&2; exit 1
  fi
done < "$W/plan.sorted"
rm -rf "$W/pack"

# 6. Modes and times: files and symlinks, then folders deepest first (a read-only folder is filled by then).
while IFS="$TAB" read -r kind mode mtime path target; do
  unesc "$path"; p=$out/$u; when "$mtime"
  if [ "$kind" = l ]; then touch -h -d "$w" "$p"; continue; fi
  [ "$mode" = 644 ] || chmod "$mode" "$p"
  touch -d "$w" "$p"
done < "$W/ents"
sort -r -t "$TAB" -k3,3 "$W/dirs" > "$W/dirs.sorted"
while IFS="$TAB" read -r mode mtime path; do
  unesc "$path"; p=$out/$u; when "$mtime"
  [ "$mode" = 755 ] || chmod "$mode" "$p"
  touch -d "$w" "$p"
done < "$W/dirs.sorted"

if [ -s "$W/missing" ]; then
  while IFS="$TAB" read -r path why; do echo "NOT RESTORED: $path ($why)" >&2; done < "$W/missing"
  die "the files above were not restored (if Drive gave several zips, unpack them all into one folder)"
fi
echo "Restored $stamp to $out" >&2
`.replace(/\\\$\{/g, '${');
