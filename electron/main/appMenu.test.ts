import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { appMenuTemplate } from './appMenu';

/** Every role in the menu, depth first. */
function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [
    ...(i.role ? [i.role] : []),
    ...(Array.isArray(i.submenu) ? roles(i.submenu) : []),
  ]);
}
const top = (items: MenuItemConstructorOptions[]) => items.map((i) => i.role);
const sub = (items: MenuItemConstructorOptions[], role: string) =>
  roles((items.find((i) => i.role === role)!.submenu as MenuItemConstructorOptions[]) ?? []);

describe('appMenuTemplate', () => {
  it('has no developer tools and no reload in the packaged app', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const r = roles(appMenuTemplate({ isPackaged: true, platform }));
      expect(r, platform).not.toContain('toggleDevTools');
      expect(r, platform).not.toContain('reload');
      expect(r, platform).not.toContain('forceReload');
    }
  });

  it('offers reload and developer tools under View in development', () => {
    const t = appMenuTemplate({ isPackaged: false, platform: 'linux' });
    expect(sub(t, 'viewMenu').slice(0, 3)).toEqual(['reload', 'forceReload', 'toggleDevTools']);
  });

  it('has the standard menus: the app menu on macOS, Help with About elsewhere', () => {
    expect(top(appMenuTemplate({ isPackaged: true, platform: 'darwin' }))).toEqual([
      'appMenu',
      'fileMenu',
      'editMenu',
      'viewMenu',
      'windowMenu',
    ]);
    const linux = appMenuTemplate({ isPackaged: true, platform: 'linux' });
    expect(top(linux)).toEqual(['fileMenu', 'editMenu', 'viewMenu', 'windowMenu', 'help']);
    expect(sub(linux, 'help')).toEqual(['about']);
  });

  it('keeps the editing commands (copy and paste need them on macOS) and zoom and full screen', () => {
    const t = appMenuTemplate({ isPackaged: true, platform: 'darwin' });
    expect(sub(t, 'editMenu')).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']);
    expect(sub(t, 'viewMenu')).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  });
});
