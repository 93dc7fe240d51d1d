// The built main process, run in Node: the Electron binary cannot run here, so a stand-in `electron` module
// records what the composition root asks of it. This checks the wiring the pure tests cannot: the bundle
// loads, registers app://, opens a locked-down window, guards every IPC channel, draws the tray, quits.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcChannel, methodNames } from '../../shared/contract';
import { MANIFEST_CHANNEL, PICK_FOLDER_CHANNEL } from '../../shared/desktopChannels';
import { tempDir } from '../../test/helpers/tmp';
import { CONTENT_SECURITY_POLICY } from './security';

const ROOT = path.resolve(__dirname, '../..');
type Fn = (...a: unknown[]) => unknown;

class FakeWebContents extends EventEmitter {
  sent: unknown[][] = [];
  openHandler: Fn | null = null;
  session = { setPermissionRequestHandler: (_f: Fn) => {} };
  send(...a: unknown[]) {
    this.sent.push(a);
  }
  setWindowOpenHandler(f: Fn) {
    this.openHandler = f;
  }
}
class FakeWindow extends EventEmitter {
  static all: FakeWindow[] = [];
  webContents = new FakeWebContents();
  url = '';
  visible = false;
  constructor(readonly opts: { webPreferences: Record<string, unknown> }) {
    super();
    FakeWindow.all.push(this);
  }
  loadURL(u: string) {
    this.url = u;
    return Promise.resolve();
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {}
  restore() {}
  isMinimized() {
    return false;
  }
  isDestroyed() {
    return false;
  }
}
class FakeTray {
  static all: FakeTray[] = [];
  tooltip = '';
  menu: { label?: string; enabled?: boolean; type?: string }[] = [];
  constructor(public image: string) {
    FakeTray.all.push(this);
  }
  setImage(i: string) {
    this.image = i;
  }
  setToolTip(t: string) {
    this.tooltip = t;
  }
  setContextMenu(m: { items: FakeTray['menu'] }) {
    this.menu = m.items;
  }
  on() {}
  destroy() {}
}

const handlers = new Map<string, Fn>();
const listeners = new Map<string, Fn>();
const appEvents = new Map<string, Fn>();
const calls: string[] = [];
let schemes: unknown = null;
let serve: ((r: Request) => Promise<Response>) | null = null;
let exited = false;
let dataDir = '';
let outDir = '';

const electron = {
  app: {
    isPackaged: false,
    getAppPath: () => ROOT,
    setPath: (k: string, v: string) => calls.push(`setPath ${k} ${v}`),
    getPath: (k: string) => (k === 'home' ? path.join(dataDir, 'home') : dataDir),
    setAppUserModelId: () => {},
    requestSingleInstanceLock: () => true,
    on: (ev: string, f: Fn) => appEvents.set(ev, f),
    whenReady: () => Promise.resolve(),
    getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
    setLoginItemSettings: () => {},
    quit: () => appEvents.get('before-quit')?.({ preventDefault: () => {} }),
    exit: () => (exited = true),
  },
  protocol: {
    registerSchemesAsPrivileged: (s: unknown) => (schemes = s),
    handle: (_scheme: string, f: (r: Request) => Promise<Response>) => (serve = f),
  },
  net: { fetch: async (u: string) => new Response(fs.readFileSync(fileURLToPath(u))) },
  BrowserWindow: FakeWindow,
  Tray: FakeTray,
  Menu: { buildFromTemplate: (items: unknown) => ({ items }) },
  ipcMain: {
    handle: (ch: string, f: Fn) => handlers.set(ch, f),
    on: (ch: string, f: Fn) => listeners.set(ch, f),
    removeHandler: (ch: string) => handlers.delete(ch),
    removeAllListeners: (ch: string) => listeners.delete(ch),
  },
  safeStorage: {
    isEncryptionAvailable: () => false,
    getSelectedStorageBackend: () => 'basic_text',
  },
  powerMonitor: new EventEmitter(),
  Notification: class {
    static isSupported = () => true;
  },
  dialog: { showMessageBoxSync: () => 0, showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
  shell: { openExternal: async (u: string) => calls.push(`openExternal ${u}`) },
};

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(cond()).toBe(true);
};

beforeAll(async () => {
  const work = tempDir();
  dataDir = path.join(work, 'data');
  outDir = path.join(work, 'dist');
  process.env.CAIRN_DATA_DIR = dataDir;
  process.env.XDG_CONFIG_HOME = path.join(work, 'config');
  // The bundles `npm run build` made (npm test builds first), beside a small stand-in renderer.
  for (const f of ['main/index.cjs', 'preload/index.cjs']) {
    const built = path.join(ROOT, 'dist', f);
    if (!fs.existsSync(built)) throw new Error(`dist/${f} is not built; run \`npm run build\` first.`);
    fs.mkdirSync(path.dirname(path.join(outDir, f)), { recursive: true });
    fs.copyFileSync(built, path.join(outDir, f));
  }
  // The app finds its UI from the package root (package.json), as in a checkout or app.asar.
  fs.writeFileSync(path.join(work, 'package.json'), JSON.stringify({ name: 'cairn' }));
  fs.mkdirSync(path.join(outDir, 'renderer'));
  fs.writeFileSync(path.join(outDir, 'renderer', 'index.html'), '<!doctype html><title>Cairn</title>');
  const realRequire = createRequire(path.join(ROOT, 'package.json'));
  const req = (n: string) => (n === 'electron' ? electron : realRequire(n));
  const file = path.join(outDir, 'main', 'index.cjs');
  const mod = { exports: {} };
  new Function('require', 'module', 'exports', '__dirname', '__filename', fs.readFileSync(file, 'utf8'))(
    req,
    mod,
    mod.exports,
    path.dirname(file),
    file,
  );
  await until(() => FakeWindow.all.length === 1 && handlers.size > 0 && FakeTray.all.length === 1);
}, 60_000);

afterAll(async () => {
  if (!exited) electron.app.quit();
  await until(() => exited);
});

describe('the main process bundle', () => {
  it('registers app:// as a secure standard scheme and keeps its data in the data folder', () => {
    expect(schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(calls).toContain(`setPath userData ${dataDir}`);
    expect(fs.existsSync(path.join(dataDir, 'catalog.sqlite'))).toBe(true);
  });

  it('opens one locked-down window on app://cairn with the bundled preload', () => {
    const w = FakeWindow.all[0]!;
    expect(w.url).toBe('app://cairn/#/overview');
    expect(w.opts.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(w.opts.webPreferences.preload).toBe(path.join(outDir, 'preload', 'index.cjs'));
  });

  it('serves the renderer with the CSP and refuses paths outside it', async () => {
    const res = await serve!(new Request('app://cairn/#/overview'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await res.text()).toContain('<title>Cairn</title>');
    expect((await serve!(new Request('app://cairn/%2e%2e/main/index.cjs'))).status).toBe(404);
  });

  it('denies navigation away, new windows, and sends only allowed links to the browser', () => {
    const wc = FakeWindow.all[0]!.webContents;
    let prevented = false;
    wc.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://evil.example/');
    expect(prevented).toBe(true);
    expect(wc.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(wc.openHandler!({ url: 'https://drive.google.com/drive/folders/x' })).toEqual({ action: 'deny' });
    expect(calls.filter((c) => c.startsWith('openExternal'))).toEqual([
      'openExternal https://drive.google.com/drive/folders/x',
    ]);
  });

  it('handles every contract method on its channel, for the app frame only', async () => {
    for (const m of methodNames) expect(handlers.has(ipcChannel(m)), m).toBe(true);
    expect(handlers.has(PICK_FOLDER_CHANNEL)).toBe(true);
    const app = { senderFrame: { url: 'app://cairn/#/overview', parent: null } };
    const evil = { senderFrame: { url: 'https://evil.example/', parent: null } };
    expect(await handlers.get(ipcChannel('planList'))!(app, {})).toEqual({ ok: true, value: [] });
    expect(await handlers.get(ipcChannel('planList'))!(evil, {})).toMatchObject({
      error: { code: 'forbidden' },
    });
    const e: { returnValue?: { methods: unknown[] } } = {};
    listeners.get(MANIFEST_CHANNEL)!(e);
    expect(e.returnValue!.methods).toHaveLength(methodNames.length);
  });

  it('draws the tray from the service status', async () => {
    const t = FakeTray.all[0]!;
    await until(() => t.tooltip !== '');
    expect(t.image).toBe(path.join(ROOT, 'resources', 'tray', 'linux', 'idle.png'));
    expect(t.tooltip).toBe('Cairn: No backup plan yet; open Cairn to set one up');
    expect(t.menu.find((i) => i.label === 'Back up now')).toMatchObject({ enabled: false });
  });

  it('hides the window on close instead of quitting, and quits cleanly from the tray', async () => {
    const w = FakeWindow.all[0]!;
    let prevented = false;
    w.emit('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(w.visible).toBe(false);
    electron.app.quit();
    await until(() => exited);
  });
});
