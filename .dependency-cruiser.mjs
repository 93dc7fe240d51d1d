// The layers of DESIGN.md section 2, checked by scripts/layers.mjs (`npm run lint`, `npm test`): a module
// imports only modules of its own layer or of a layer below, no import goes round in a loop, and the
// folders of a layer do not import each other in a loop, however long (that check, and that every module
// has a layer, are in scripts/layers.mjs, over the same map).

/**
 * Every folder (or single module) of the app, by layer, bottom first. A folder stands for everything under
 * it; a module named here belongs to its own layer, whatever folder it sits in.
 */
export const LAYERS = [
  // The contract: anything may import it; it imports nothing of the app.
  ['contract', ['shared']],
  // What a backup folder is on disk: manifest, layout, stamps, line sinks, the sorted disk walk, excludes.
  ['format', ['electron/engine/format', 'electron/engine/errors.ts', 'electron/engine/paths.ts']],
  // remotes/registry.ts is catalog rows only (which remotes, which plans they copy): the Drive code reads it.
  ['catalog', ['electron/engine/catalog', 'electron/engine/secrets', 'electron/engine/remotes/registry.ts']],
  // The features: each may use another, as long as no two folders end up importing each other.
  [
    'feature',
    [
      'electron/engine/backup',
      'electron/engine/dbsource',
      'electron/engine/retention',
      'electron/engine/restore',
      'electron/engine/verify',
      'electron/engine/drive',
      // Off-site copies other than Drive (S3, rclone) and the calls over every remote; built on drive/pack.
      'electron/engine/remotes',
    ],
  ],
  // Operations, the service and its runtime, the scheduler, the watchers, notifications, health.
  [
    'application',
    [
      'electron/engine/app',
      'electron/engine/schedule',
      'electron/engine/watch',
      'electron/engine/notify',
      'electron/engine/health',
      'electron/engine/plans',
    ],
  ],
  // The faces: the CLI, `cairn serve`, the Electron shell and its preload, the UI.
  ['face', ['electron/cli', 'electron/server', 'electron/main', 'electron/preload', 'renderer']],
];

const UNITS = LAYERS.flatMap(([layer, units], rank) => units.map((unit) => ({ unit, layer, rank })));

/** The unit (folder or module of LAYERS) a module belongs to: the most specific one that holds it. */
export function unitOf(file) {
  let best = null;
  for (const u of UNITS) {
    if ((file === u.unit || file.startsWith(`${u.unit}/`)) && (!best || u.unit.length > best.unit.length)) {
      best = u;
    }
  }
  return best;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pattern = (units) => units.map((u) => `^${escape(u)}(/|$)`).join('|');
const unitsWhere = (test) => UNITS.filter(test).map((u) => u.unit);

/** A path restriction to these units, less the units of `others` nested in them (drive/secrets.ts in drive/). */
function within(units, others) {
  const nested = others.filter((o) => units.some((u) => o.startsWith(`${u}/`)));
  return nested.length ? { path: pattern(units), pathNot: pattern(nested) } : { path: pattern(units) };
}

/** One rule per layer: nothing in it imports a layer above. */
const layerRules = LAYERS.slice(0, -1).map(([layer], rank) => ({
  name: `layer-${layer}`,
  comment: `${layer} imports only its own layer and those below it (LAYERS in .dependency-cruiser.mjs)`,
  severity: 'error',
  from: within(
    unitsWhere((u) => u.rank === rank),
    unitsWhere((u) => u.rank !== rank),
  ),
  to: within(
    unitsWhere((u) => u.rank > rank),
    unitsWhere((u) => u.rank <= rank),
  ),
}));

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    ...layerRules,
    {
      // A type-only import closes no loop when the code runs (a slice naming its store's type); between
      // folders it counts all the same (scripts/layers.mjs).
      name: 'no-circular',
      comment: 'modules that import each other, directly or not: move the shared piece down',
      severity: 'error',
      from: {},
      to: {
        circular: true,
        dependencyTypesNot: ['type-only'],
        viaOnly: { dependencyTypesNot: ['type-only'] },
      },
    },
    {
      name: 'preload-only-contract',
      comment: 'the sandboxed preload exposes the contract, nothing else (STYLE.md habit 1)',
      severity: 'error',
      from: { path: '^electron/preload/' },
      to: { path: '^electron/', pathNot: '^electron/preload/' },
    },
    {
      name: 'renderer-only-contract',
      comment: 'the renderer talks only through the contract: shared/ and itself (also in eslint.config.js)',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^electron/' },
    },
  ],
  options: {
    // Tests may reach across layers to set up what they test; the layers are for the app's own modules.
    exclude: { path: '\\.test\\.tsx?$' },
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type from a layer above is an upward dependency too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
  },
};
