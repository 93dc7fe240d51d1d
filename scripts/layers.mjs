// The layer check (`npm run lint`, `npm test`): dependency-cruiser with the rules of .dependency-cruiser.mjs
// (no import up a layer, no import cycle between modules), then what it has no rule for: no loop between the
// folders of one layer (a folder counts with everything under it), and every module of the app has a layer.
import { cruise, format } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { unitOf } from '../.dependency-cruiser.mjs';

const options = await extractDepcruiseOptions('./.dependency-cruiser.mjs');
const cruised = await cruise(['electron', 'shared', 'renderer'], { ...options, outputType: 'json' });
const result = JSON.parse(cruised.output);

// Every module of the app has a layer: a new folder is placed in LAYERS before it is used.
const homeless = result.modules
  .map((m) => m.source)
  .filter((f) => /^(electron|shared|renderer)\//.test(f) && !unitOf(f));

// Imports between units (the folders and modules of LAYERS) of one layer, each with one import that makes
// it. A loop through two layers has an import up a layer in it, which the rules above report already.
const edges = new Map();
for (const m of result.modules) {
  const from = unitOf(m.source);
  for (const d of m.dependencies) {
    const to = unitOf(d.resolved);
    if (!from || !to || from === to || from.rank !== to.rank) continue;
    if (!edges.has(from.unit)) edges.set(from.unit, new Map());
    const out = edges.get(from.unit);
    if (!out.has(to.unit)) out.set(to.unit, `${m.source} → ${d.resolved}`);
  }
}

/** The shortest chain of units from `start` to `goal`, or null. */
function path(start, goal) {
  const prev = new Map([[start, null]]);
  for (const queue = [start]; queue.length;) {
    const at = queue.shift();
    for (const next of edges.get(at)?.keys() ?? []) {
      if (prev.has(next)) continue;
      prev.set(next, at);
      if (next === goal) {
        const chain = [goal];
        for (let p = at; p !== null; p = prev.get(p)) chain.unshift(p);
        return chain;
      }
      queue.push(next);
    }
  }
  return null;
}

// A folder import a → b is in a loop when b leads back to a; each loop is told once.
const loops = new Map();
for (const [a, tos] of edges) {
  for (const b of tos.keys()) {
    const back = path(b, a);
    if (!back) continue;
    const loop = [a, ...back];
    const key = [...new Set(loop)].sort().join(' ');
    if (!loops.has(key)) loops.set(key, loop);
  }
}

const report = await format(result, { outputType: 'err' });
let failed = report.exitCode !== 0;
if (failed) process.stdout.write(report.output);
if (homeless.length) {
  failed = true;
  process.stdout.write('\n');
  for (const f of homeless)
    process.stdout.write(`  error layer-unknown: ${f} is in no layer; add it to LAYERS\n`);
}
for (const loop of loops.values()) {
  failed = true;
  process.stdout.write(`\n  error folder-cycle: ${loop.join(' → ')}\n`);
  for (let i = 0; i + 1 < loop.length; i++) {
    process.stdout.write(`    ${edges.get(loop[i]).get(loop[i + 1])}\n`);
  }
}
const { totalCruised, totalDependenciesCruised } = result.summary;
process.stdout.write(
  failed
    ? `\nLayers: see .dependency-cruiser.mjs (LAYERS) and DESIGN.md section 2.\n`
    : `layers: ${totalCruised} modules, ${totalDependenciesCruised} imports, no upward import, no cycle\n`,
);
process.exitCode = failed ? 1 : 0;
