// `npm start`: builds, then opens the desktop app with better-sqlite3 rebuilt for Electron when needed.
// Where the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD, an offline machine), it says
// so in one sentence and runs the same UI headless with `cairn serve`, which prints the address to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const extra = process.argv.slice(2);

/** The Electron binary's path, or null when the package has no binary (require('electron') throws). */
function electronBinary() {
  try {
    const bin = require('electron');
    return typeof bin === 'string' && existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

function step(args) {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Runs a child in the foreground: Ctrl-C reaches it through the terminal, SIGTERM is passed on. */
function foreground(cmd, args, env = process.env) {
  const child = spawn(cmd, args, { stdio: 'inherit', env });
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

step(['scripts/build.mjs']);
const bin = electronBinary();
if (bin) {
  step(['scripts/native.mjs', 'electron']);
  // ELECTRON_RUN_AS_NODE left over in a shell would start a Node REPL instead of the app.
  const { ELECTRON_RUN_AS_NODE: _drop, ...env } = process.env;
  foreground(bin, ['.', ...extra], env);
} else {
  process.stdout.write(
    'The Electron binary is not installed (node_modules/electron has no dist/), so Cairn runs headless ' +
      'with `cairn serve`: open the address it prints below in your browser.\n',
  );
  step(['scripts/native.mjs', 'node']);
  foreground(process.execPath, ['bin/cairn.mjs', 'serve', ...extra]);
}
