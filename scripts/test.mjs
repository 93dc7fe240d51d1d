// `npm test`: build, typecheck (Node and web), lint with zero warnings, the layer check, then every test
// (unit, integration, end to end) with vitest, and the fast ones again in two far-apart time zones. Ends
// with one plain line "N passed, N failed" (the checks above and the tests of every run) that CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { countTests } from './testCount.mjs';

const bin = (name) => path.join('node_modules', '.bin', name);
const extra = process.argv.slice(2);
let passed = 0;
let failed = 0;

function step(label, cmd, args, env = {}) {
  process.stdout.write(`\n== ${label}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  if (ok) passed++;
  else {
    failed++;
    process.stdout.write(`-- ${label} FAILED (exit ${r.status ?? r.signal})\n`);
  }
  return ok;
}

// Tests run under plain Node: make sure better-sqlite3 is built for Node's ABI (npm start may have
// rebuilt it for Electron's).
step('native modules for Node', process.execPath, ['scripts/native.mjs', 'node']);
step('build', process.execPath, ['scripts/build.mjs']);
if (extra.length === 0) {
  step('typecheck (node)', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit']);
  step('typecheck (web)', bin('tsc'), ['-p', 'tsconfig.web.json', '--noEmit']);
  step('lint', bin('eslint'), ['--max-warnings', '0', '.']);
  step('layers (no upward import, no cycle; .dependency-cruiser.mjs)', process.execPath, [
    'scripts/layers.mjs',
  ]);
  step('format (prettier --check; fix with npm run format)', bin('prettier'), [
    '--check',
    '--log-level',
    'warn',
    '.',
  ]);
}

/** Runs vitest with a JSON report and adds its tests (not files) to the counts. */
function vitest(label, args, env = {}) {
  const outDir = mkdtempSync(path.join(tmpdir(), 'cairn-vitest-'));
  const report = path.join(outDir, 'report.json');
  process.stdout.write(`\n== ${label}\n`);
  const vt = spawnSync(
    bin('vitest'),
    ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args],
    // The bundles were built above; test/globalSetup.ts builds only when vitest runs on its own.
    { stdio: 'inherit', env: { ...process.env, CAIRN_BUILT: '1', ...env } },
  );
  const n = countTests(existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : null, vt.status);
  rmSync(outDir, { recursive: true, force: true });
  passed += n.passed;
  failed += n.failed;
}

vitest('tests', extra);
// The fast tests (vitest projects "unit" and "web") again in the zones furthest ahead of and behind UTC:
// a test that reads the wall clock or the local zone for what it expects fails here.
if (extra.length === 0) {
  for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago'])
    vitest(`unit and web tests in TZ=${zone}`, ['--project', 'unit', '--project', 'web'], {
      TZ: zone,
      CAIRN_TEST_TZ: zone,
    });
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
