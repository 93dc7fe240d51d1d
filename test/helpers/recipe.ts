import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { RECIPE_TOOLS } from '../../electron/engine/drive/pack/recipe';
import { EXTRACT_COMMAND } from '../../electron/engine/drive/pack/readme';
import { encodeName } from '../../electron/engine/format/fsName';
import { parseEntry, type ManifestEntry } from '../../electron/engine/format/manifest';
import { readByteTree } from './byteTree';
import { tempDir } from './tmp';

const real = (tool: string) =>
  spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();

/** touch as BSD has it: -d takes only YYYY-MM-DDThh:mm:ss[.frac][Z] (no GNU "@seconds"), no long options. */
const BSD_TOUCH = (touch: string) => `#!/bin/sh
want=
for a in "$@"; do
  if [ -n "$want" ]; then
    printf '%s\\n' "$a" | ${real('grep')} -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.,][0-9]+)?Z?$' ||
      { echo "touch: out of range or illegal time specification: $a" >&2; exit 1; }
    want=; continue
  fi
  case $a in
    -d|-t|-r) want=1 ;;
    -a|-c|-h|-m|-ah|-mh|-hm|-ha) ;;
    -*) echo "touch: illegal option $a" >&2; exit 1 ;;
  esac
done
exec ${touch} "$@"
`;

/** printf without \\x (BSD's printf(1) and dash's built-in one do not know it). */
const NO_HEX_PRINTF = (printf: string) => `#!/bin/sh
for a in "$@"; do case $a in *'\\x'*) echo "printf: \\\\x is not portable" >&2; exit 1 ;; esac; done
exec ${printf} "$@"
`;

/** tar that records, after each run, how many KiB the temporary folder holds ($TMPDIR). */
const MEASURED_TAR = (tar: string) => `#!/bin/sh
${tar} "$@" || exit $?
${real('du')} -sk "$TMPDIR" | ${real('cut')} -f1 >> "$CAIRN_TAR_LOG"
`;

/**
 * A PATH with the tools README.txt lists and nothing else (no Node): touch is BSD-style, printf rejects
 * \\x, tar records the temporary folder's size.
 */
export function recipeTools(): string {
  const dir = tempDir('cairn-tools-');
  for (const t of RECIPE_TOOLS) {
    const p = path.join(dir, t);
    if (t === 'touch') fs.writeFileSync(p, BSD_TOUCH(real(t)), { mode: 0o755 });
    else if (t === 'tar') fs.writeFileSync(p, MEASURED_TAR(real(t)), { mode: 0o755 });
    else fs.symlinkSync(real(t), p);
  }
  fs.writeFileSync(path.join(dir, 'printf'), NO_HEX_PRINTF(real('printf')), { mode: 0o755 });
  return dir;
}

export interface RecipeRun {
  result: SpawnSyncReturns<string>;
  /** Output of the run (stderr, or the terminal's text when age asked for a password). */
  text: string;
  /** KiB in the temporary folder after each pack was unpacked. */
  tempKiB: number[];
}

/**
 * Saves restore.sh out of planDir/README.txt with the README's own command, then runs
 * `SHELL restore.sh . STAMP OUT` there with only the recipe's tools on PATH; with a password, under a
 * terminal (script(1)) so age can ask for it.
 */
export function runRecipe(o: {
  planDir: string;
  stamp: string;
  out: string;
  shell: string;
  tools: string;
  password?: string | null;
}): RecipeRun {
  const tmp = tempDir('cairn-recipe-tmp-');
  const log = path.join(tempDir(), 'tar.log');
  const env = { PATH: o.tools, HOME: o.planDir, LANG: 'C', TMPDIR: tmp, CAIRN_TAR_LOG: log };
  const saved = spawnSync('/bin/sh', ['-c', EXTRACT_COMMAND], { cwd: o.planDir, env, encoding: 'utf8' });
  if (saved.status !== 0) throw new Error(`saving restore.sh failed: ${saved.stderr}`);
  const cmd = `${o.shell} restore.sh . ${o.stamp} '${o.out}'`;
  const result = o.password
    ? spawnSync('/usr/bin/script', ['-qec', cmd, '/dev/null'], {
        cwd: o.planDir,
        env,
        input: `${o.password}\n`,
        encoding: 'utf8',
      })
    : spawnSync('/bin/sh', ['-c', cmd], { cwd: o.planDir, env, encoding: 'utf8' });
  const tempKiB = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').map(Number) : [];
  return { result, text: result.stderr + result.stdout, tempKiB };
}

/** The entries of a manifest file (full, gzipped). */
export function manifestEntries(file: string): ManifestEntry[] {
  return zlib
    .gunzipSync(fs.readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map(parseEntry);
}

/**
 * Differences between a restored tree and the manifest it came from, by the names' bytes: kind, content,
 * symlink target, mode (not of symlinks), mtime (to 2 µs, symlinks and folders too), and extra entries.
 */
export function diffFromManifest(root: string, entries: ManifestEntry[]): string[] {
  const out: string[] = [];
  const want = new Set<string>();
  for (const e of entries) {
    const rel = encodeName(e.path);
    want.add(rel.toString('hex'));
    const p = Buffer.concat([Buffer.from(`${root}/`), rel]);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      out.push(`missing: ${e.path}`);
      continue;
    }
    const kind = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : st.isFile() ? 'f' : '?';
    if (kind !== e.kind) {
      out.push(`kind: ${e.path} ${kind}`);
      continue;
    }
    if (Math.abs(st.mtimeMs - e.mtimeMs) > 0.002) out.push(`mtime: ${e.path} ${st.mtimeMs} vs ${e.mtimeMs}`);
    if (kind !== 'l' && (st.mode & 0o7777) !== e.mode)
      out.push(`mode: ${e.path} ${(st.mode & 0o7777).toString(8)}`);
    if (kind === 'l' && !fs.readlinkSync(p, { encoding: 'buffer' }).equals(encodeName(e.target ?? '')))
      out.push(`target: ${e.path}`);
    if (kind === 'f' && (st.size !== e.size || sha256(p) !== e.sha256)) out.push(`content: ${e.path}`);
  }
  for (const k of readByteTree(root).keys()) if (!want.has(k)) out.push(`extra: ${Buffer.from(k, 'hex')}`);
  return out;
}

function sha256(p: fs.PathLike): string {
  return createHash('sha256').update(fs.readFileSync(p)).digest('hex');
}

/** Makes a restored tree removable again (it may hold read-only folders). */
export function makeWritable(root: string): void {
  spawnSync('chmod', ['-R', 'u+rwx', root]);
}
