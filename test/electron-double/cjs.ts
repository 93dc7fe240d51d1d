// Runs a built CommonJS bundle (dist/main, dist/preload) with a require of the test's choosing: how the
// double hands the bundles its stand-in `electron` module.
import fs from 'node:fs';
import path from 'node:path';

/** Evaluates `file` as a CommonJS module whose `require` is `req`; returns its exports. */
export function runCommonJs(file: string, req: (name: string) => unknown): unknown {
  const mod = { exports: {} };
  const run = new Function(
    'require',
    'module',
    'exports',
    '__dirname',
    '__filename',
    fs.readFileSync(file, 'utf8'),
  );
  run(req, mod, mod.exports, path.dirname(file), file);
  return mod.exports;
}
