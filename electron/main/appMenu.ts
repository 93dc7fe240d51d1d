// The application menu: the standard roles each OS expects (the app menu on macOS, Edit so copy and paste
// work, View, Window), with reloading and developer tools only in development. Setting our own menu also
// replaces Electron's default one, which offers Toggle Developer Tools in the packaged app.
import type { MenuItemConstructorOptions } from 'electron';

type Item = MenuItemConstructorOptions;

/** The menu template for this build and OS; pure, so it is tested in Node. */
export function appMenuTemplate(o: { isPackaged: boolean; platform: NodeJS.Platform }): Item[] {
  const mac = o.platform === 'darwin';
  const development: Item[] = o.isPackaged
    ? []
    : [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }];
  return [
    ...(mac ? [{ role: 'appMenu' } satisfies Item] : []),
    // Closing the window keeps Cairn in the tray; Quit (here, the app menu or the tray) ends it.
    { role: 'fileMenu' },
    {
      role: 'editMenu',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      role: 'viewMenu',
      submenu: [
        ...development,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    // macOS has About in the app menu.
    ...(mac ? [] : [{ role: 'help', submenu: [{ role: 'about', label: 'About Cairn' }] } satisfies Item]),
  ];
}
