// Bundles the Node side (CLI, server, Electron main and preload, worker threads) with esbuild; the renderer is built by Vite.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// `--cli-out DIR` builds the CLI bundle alone into DIR (a test's own build; DIR inside the repository so
// its imports find node_modules).
const args = process.argv.slice(2);
const cliOnly = args.includes('--cli-out');
const out = cliOnly ? args[args.indexOf('--cli-out') + 1] : 'dist';

// The default Google OAuth client of this build, from CAIRN_GOOGLE_CLIENT_ID and CAIRN_GOOGLE_CLIENT_SECRET
// at build time (a release build sets both; nothing is committed). The same variables at run time, or the
// client a user enters, win over it (electron/engine/drive/config.ts).
const id = process.env.CAIRN_GOOGLE_CLIENT_ID || '';
const secret = process.env.CAIRN_GOOGLE_CLIENT_SECRET || '';
if (!id !== !secret)
  throw new Error('Set both CAIRN_GOOGLE_CLIENT_ID and CAIRN_GOOGLE_CLIENT_SECRET, or neither.');
const oauthClient = { __CAIRN_OAUTH_CLIENT__: JSON.stringify(id ? { id, secret } : null) };

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  define: oauthClient,
};
// A CommonJS bundle whose code (or a bundled ESM dependency such as node-cron) reads import.meta.url gets
// the bundle's own file URL.
const ownMetaUrl = {
  define: { ...oauthClient, 'import.meta.url': '__cairn_import_meta_url' },
  banner: { js: 'const __cairn_import_meta_url = require("url").pathToFileURL(__filename).href;' },
};

// Chunks have hashed names: drop the old ones so dist/ holds only what this build made.
rmSync(path.join(out, 'chunks'), { recursive: true, force: true });
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const withSubpaths = (names) => names.flatMap((d) => [d, `${d}/*`]);
// The CLI (dist/cli.cjs): one CommonJS file, its dependencies inside, each module evaluated when first used
// (a command's own modules when it runs). Node starts it about 0.1 s sooner than the same code as ES module
// chunks, whose loader resolves and links each chunk and each package up front. Kept out: the native module
// and the large clients that only Drive and S3 commands load, required where they are used.
const cliExternal = withSubpaths([
  'better-sqlite3',
  'electron',
  '@googleapis/drive',
  'google-auth-library',
  '@aws-sdk/client-s3',
]);
await build({
  ...common,
  packages: 'bundle',
  external: cliExternal,
  entryPoints: { cli: 'electron/cli/main.ts' },
  outdir: out,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  ...ownMetaUrl,
});
// dist/cli.mjs, what bin/cairn.mjs, the tests and service files run, starts it.
writeFileSync(
  path.join(out, 'cli.mjs'),
  `// Starts the CLI bundle (scripts/build.mjs).\nimport { createRequire } from 'node:module';\ncreateRequire(import.meta.url)('./cli.cjs');\n`,
);
if (cliOnly) process.exit(0);
// The bench: ES modules, its shared code in chunks. zod and ignore go into the bundle: loaded from
// node_modules, zod alone takes 90 ms to start (it imports each of its locales as a module).
const inBundle = new Set(['zod', 'ignore']);
const external = withSubpaths(
  [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)].filter((d) => !inBundle.has(d)),
);
await build({
  ...common,
  packages: undefined,
  external,
  entryPoints: { bench: 'test/bench/main.ts' },
  outdir: out,
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
// Electron main and the sandboxed preload (which may require only "electron"): CommonJS, self-contained.
const electronSide = {
  ...common,
  packages: 'bundle',
  external: ['electron', 'better-sqlite3'],
  outdir: out,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
};
await build({ ...electronSide, entryPoints: { 'preload/index': 'electron/preload/index.ts' } });
await build({ ...electronSide, entryPoints: { 'main/index': 'electron/main/index.ts' }, ...ownMetaUrl });
// The worker threads' entries (see workerFile in lanePool.ts): CommonJS, self-contained, run from both bundles.
await build({
  ...electronSide,
  entryPoints: {
    'workers/copy': 'electron/engine/backup/copyWorker.ts',
    'workers/place': 'electron/engine/restore/placeWorker.ts',
    'workers/sweep': 'electron/engine/retention/sweepWorker.ts',
  },
});
// The UI (renderer/) with Vite into dist/renderer (vite.config.ts).
const { build: viteBuild } = await import('vite');
await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
