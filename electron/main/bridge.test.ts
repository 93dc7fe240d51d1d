// The preload as `npm run build` makes it, run in Node against the real service: the Electron binary cannot run
// here, so a small stand-in for ipcRenderer/contextBridge carries calls to the same guard ipc.ts uses.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CairnEvent } from '../../shared/cairnEvents';
import { methodNames, methods } from '../../shared/contract';
import type { CairnBridge } from '../../shared/desktop';
import { MANIFEST_CHANNEL } from '../../shared/desktopChannels';
import { tempDir } from '../../test/helpers/tmp';
import { writeTree } from '../../test/helpers/tree';
import { bridgeManifest } from './bridgeManifest';
import { guardedCall, type SenderFrame } from './ipcGuard';
import { openShellHost, type ShellHost } from './serviceHost';

const ROOT = path.resolve(__dirname, '../..');
let code = '';
let host: ShellHost;

beforeAll(async () => {
  // The preload `npm run build` made (npm test builds first).
  const out = path.join(ROOT, 'dist', 'preload', 'index.cjs');
  if (!fs.existsSync(out)) throw new Error('dist/preload/index.cjs is not built; run `npm run build` first.');
  code = fs.readFileSync(out, 'utf8');
  const notifier = { name: 'desktop', send: async () => {} };
  host = (await openShellHost(path.join(tempDir(), 'data'), { notifier, log: () => {} })).host;
});
afterAll(async () => {
  await host?.close();
});

/** Loads the preload with a stand-in for Electron's renderer side, wired to the host through the guard. */
function loadPreload(frame: SenderFrame): CairnBridge {
  const manifest = bridgeManifest();
  const byChannel = new Map(manifest.methods.map((m) => [m.channel, m.name]));
  const onChannel = new Map<string, (e: unknown, data: unknown) => void>();
  let exposed: unknown = null;
  const electron = {
    ipcRenderer: {
      sendSync: (channel: string) => (channel === MANIFEST_CHANNEL ? manifest : undefined),
      invoke: async (channel: string, input: unknown) => {
        const method = byChannel.get(channel);
        if (!method) throw new Error(`No handler registered for '${channel}'`);
        // Structured clone, as IPC does: nothing but data crosses.
        const sent = structuredClone(input);
        return structuredClone(await guardedCall(methods, frame, method, sent, (m, i) => host.call(m, i)));
      },
      on: (channel: string, l: (e: unknown, data: unknown) => void) => onChannel.set(channel, l),
    },
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        expect(key).toBe('cairn');
        exposed = api;
      },
    },
  };
  host.onEvent((ev: CairnEvent) => onChannel.get(manifest.eventChannel)?.({}, structuredClone(ev)));
  const req = (name: string) => {
    if (name === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${name}`);
  };
  new Function('require', 'module', 'exports', code)(req, { exports: {} }, {});
  return exposed as CairnBridge;
}

const app = { url: 'app://cairn/#/overview', parent: null };

describe('preload bridge', () => {
  it('is one small file that requires nothing but electron', () => {
    const requires = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(code.length).toBeLessThan(20_000);
  });

  it('exposes exactly one function per contract method, plus on() and the desktop extras', () => {
    const bridge = loadPreload(app);
    expect(Object.keys(bridge).sort()).toEqual(['api', 'desktop', 'on']);
    expect(Object.keys(bridge.api).sort()).toEqual([...methodNames].sort());
    for (const f of Object.values(bridge.api)) expect(typeof f).toBe('function');
    expect(Object.keys(bridge.desktop).sort()).toEqual(['onNavigate', 'pickFolder', 'showPath']);
    expect(() => bridge.on('noSuchEvent' as never, () => {})).toThrow(/no event called noSuchEvent/);
  });

  it('creates a plan, backs up with progress events, and lists the backup, all through the bridge', async () => {
    const bridge = loadPreload(app);
    const root = tempDir();
    writeTree(path.join(root, 'docs'), { 'a.txt': 'alpha', 'sub/b.txt': 'beta' });
    const created = await bridge.api.planCreate({
      name: 'home',
      sources: [path.join(root, 'docs')],
      dest: path.join(root, 'backups'),
    });
    expect(created).toMatchObject({ ok: true, value: { name: 'home' } });

    const progress: string[] = [];
    const offProgress = bridge.on('runProgress', (p) => progress.push(p.phase));
    const finished = new Promise<string>((resolve) => {
      const off = bridge.on('runFinished', (f) => {
        off();
        resolve(f.outcome);
      });
    });
    expect(await bridge.api.runNow({ plan: 'home' })).toMatchObject({
      ok: true,
      value: { alreadyRunning: false },
    });
    expect(await finished).toBe('complete');
    offProgress();
    expect(progress).toContain('queued');

    const list = await bridge.api.backupList({ plan: 'home' });
    expect(list.ok && list.value.backups.map((b) => [b.status, b.files])).toEqual([['complete', 2]]);
  });

  it('returns errors as values: bad input, and calls from a frame that is not the app', async () => {
    const bridge = loadPreload(app);
    const bad = await bridge.api.planGet({ plan: '../etc' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const missing = await bridge.api.planGet({ plan: 'nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });

    const foreign = loadPreload({ url: 'https://evil.example/', parent: null });
    expect(await foreign.api.planList({})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
