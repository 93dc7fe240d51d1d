// Electron's `app`: paths, the ready event, the single-instance lock, login items and quitting, with what
// the main process asked of it kept for the test to read.
import { EventEmitter } from 'node:events';

export interface AppDoubleOptions {
  isPackaged: boolean;
  /** app.getAppPath(): the folder holding package.json (and resources/ when not packaged). */
  appPath: string;
  home: string;
  /** What requestSingleInstanceLock answers: false when another Cairn holds the lock. */
  singleInstance: boolean;
  /** Whether this start came from a login item (macOS reports it). */
  wasOpenedAtLogin: boolean;
}

type LoginItemSettings = { openAtLogin: boolean; args?: string[] };

export class AppDouble extends EventEmitter {
  isPackaged: boolean;
  readonly paths = new Map<string, string>();
  /** Every setLoginItemSettings call, in order. */
  readonly loginItemCalls: LoginItemSettings[] = [];
  lockRequested = false;
  exitCode: number | null = null;
  /** Resolves with the exit code once the app exits (app.exit, or a quit nobody prevented). */
  readonly exited: Promise<number>;
  private ready = false;
  private openAtLogin = false;
  private markReady!: () => void;
  private readonly readyPromise = new Promise<void>((r) => (this.markReady = r));
  private markExited!: (code: number) => void;

  constructor(
    private readonly o: AppDoubleOptions,
    private readonly windows: () => { close(): void; isDestroyed(): boolean }[],
  ) {
    super();
    this.isPackaged = o.isPackaged;
    this.exited = new Promise((r) => (this.markExited = r));
  }

  /**
   * Electron is up: the main script has run to its end and now gets 'ready'. Also after an early app.exit,
   * so a main script that goes on after exiting shows it here.
   */
  becomeReady(): void {
    if (this.ready) return;
    this.ready = true;
    this.emit('ready');
    this.markReady();
  }
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  isReady(): boolean {
    return this.ready;
  }

  getAppPath(): string {
    return this.o.appPath;
  }
  setPath(name: string, value: string): void {
    this.paths.set(name, value);
  }
  getPath(name: string): string {
    if (name === 'home') return this.o.home;
    const p = this.paths.get(name);
    if (!p) throw new Error(`Failed to get '${name}' path`);
    return p;
  }
  getName(): string {
    return 'Cairn';
  }
  setAppUserModelId(_id: string): void {}

  requestSingleInstanceLock(): boolean {
    this.lockRequested = true;
    return this.o.singleInstance;
  }
  /** What Electron tells the first instance when Cairn is started again. */
  startSecondInstance(argv: string[] = []): void {
    this.emit('second-instance', {}, argv, process.cwd());
  }

  getLoginItemSettings(_o?: { args?: string[] }): { openAtLogin: boolean; wasOpenedAtLogin: boolean } {
    return { openAtLogin: this.openAtLogin, wasOpenedAtLogin: this.o.wasOpenedAtLogin };
  }
  setLoginItemSettings(s: LoginItemSettings): void {
    this.loginItemCalls.push(structuredClone(s));
    this.openAtLogin = s.openAtLogin;
  }

  /** before-quit (may be prevented), then every window is asked to close (may be prevented), then exit. */
  quit(): void {
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    for (const w of this.windows()) if (!w.isDestroyed()) w.close();
    if (this.windows().some((w) => !w.isDestroyed())) return;
    this.emit('will-quit', { preventDefault: () => {} });
    this.exit(0);
  }
  exit(code = 0): void {
    if (this.exitCode !== null) return;
    this.exitCode = code;
    this.markExited(code);
  }
}
