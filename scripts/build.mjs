// Bundles the Node side (CLI, server, Electron main and preload, worker threads) with esbuild; the renderer is built by Vite.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};

// Chunks have hashed names: drop the old ones so dist/ holds only what this build made.
rmSync('dist/chunks', { recursive: true, force: true });
// zod and ignore go into the bundle: loaded from node_modules, zod alone takes 90 ms of every command's
// start (it imports each of its locales as a module); bundled, about a tenth of that.
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const inBundle = new Set(['zod', 'ignore']);
const external = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]
  .filter((d) => !inBundle.has(d))
  .flatMap((d) => [d, `${d}/*`]);
await build({
  ...common,
  packages: undefined,
  external,
  entryPoints: { cli: 'electron/cli/main.ts', bench: 'test/bench/main.ts' },
  outdir: 'dist',
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  // Commands load their modules on demand (electron/cli/main.ts): shared code goes into chunks.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
// Electron main and the sandboxed preload (which may require only "electron"): CommonJS, self-contained.
const electronSide = {
  ...common,
  packages: 'bundle',
  external: ['electron', 'better-sqlite3'],
  outdir: 'dist',
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
};
await build({ ...electronSide, entryPoints: { 'preload/index': 'electron/preload/index.ts' } });
// Bundled ESM dependencies that read import.meta.url (node-cron) get the main bundle's own URL.
await build({
  ...electronSide,
  entryPoints: { 'main/index': 'electron/main/index.ts' },
  define: { 'import.meta.url': '__cairn_import_meta_url' },
  banner: { js: 'const __cairn_import_meta_url = require("url").pathToFileURL(__filename).href;' },
});
// The worker threads' entries (see workerFile in lanePool.ts): CommonJS, self-contained, run from both bundles.
await build({
  ...electronSide,
  entryPoints: {
    'workers/copy': 'electron/engine/backup/copyWorker.ts',
    'workers/place': 'electron/engine/restore/placeWorker.ts',
  },
});
// The UI (renderer/) with Vite into dist/renderer (vite.config.ts).
const { build: viteBuild } = await import('vite');
await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
