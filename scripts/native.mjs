// Makes better-sqlite3's native module match the runtime about to use it: `node` (tests, CLI, serve) or
// `electron` (the desktop app). npm start and npm test each call it, so either works whatever ran before.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const target = process.argv[2] ?? 'node';
const require = createRequire(import.meta.url);
const pkgDir = path.dirname(require.resolve('better-sqlite3/package.json'));
const marker = path.join(pkgDir, 'build', 'cairn-runtime.txt');

function loadsInNode() {
  const r = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
    stdio: 'pipe',
  });
  return r.status === 0;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    process.stderr.write(`${cmd} ${args.join(' ')} failed; see the output above.\n`);
    process.exit(1);
  }
}

if (target === 'node') {
  if (!loadsInNode()) {
    process.stdout.write('Rebuilding better-sqlite3 for Node...\n');
    run('npm', ['rebuild', 'better-sqlite3']);
    if (!loadsInNode()) {
      process.stderr.write('better-sqlite3 still does not load in Node after a rebuild.\n');
      process.exit(1);
    }
  }
  writeFileSync(marker, `node ${process.versions.modules}\n`);
} else if (target === 'electron') {
  // The Electron binary runs as plain Node with ELECTRON_RUN_AS_NODE, so the load test is the real one
  // (a marker alone would miss a manual `npm rebuild`); the marker records what the module was built for.
  const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  const want = `electron ${electronVersion}\n`;
  let electronBin = null;
  try {
    electronBin = require('electron');
  } catch {
    // the package installs no binary with ELECTRON_SKIP_BINARY_DOWNLOAD
  }
  if (!electronBin || !existsSync(electronBin)) {
    process.stderr.write('The Electron binary is not installed, so there is nothing to rebuild for it.\n');
    process.exit(1);
  }
  const loadsInElectron = () =>
    spawnSync(electronBin, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
      stdio: 'pipe',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    }).status === 0;
  const fresh = existsSync(marker) && readFileSync(marker, 'utf8') === want;
  if (!fresh || !loadsInElectron()) {
    process.stdout.write(`Rebuilding better-sqlite3 for Electron ${electronVersion}...\n`);
    run(path.join('node_modules', '.bin', 'electron-builder'), ['install-app-deps']);
    if (!loadsInElectron()) {
      process.stderr.write('better-sqlite3 still does not load in Electron after a rebuild.\n');
      process.exit(1);
    }
    writeFileSync(marker, want);
  }
} else {
  process.stderr.write('usage: node scripts/native.mjs node|electron\n');
  process.exit(2);
}
