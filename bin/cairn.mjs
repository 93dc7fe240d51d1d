#!/usr/bin/env node
// The `cairn` command: runs the bundled CLI (built by `npm run build`, which `npm install` runs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('Cairn is not built yet; run: npm run build\n');
  process.exit(2);
}
await import(cli);
