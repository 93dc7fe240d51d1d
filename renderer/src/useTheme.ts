// Applies the theme setting: "system" follows the OS (prefers-color-scheme in CSS); light/dark override it.
import { useEffect, useState } from 'react';
import { api, isConnected } from './client';

let listeners: ((t: string) => void)[] = [];

/** Tells the page a new theme was saved (from Settings). */
export function themeChanged(theme: string): void {
  listeners.forEach((l) => l(theme));
}

/** Reads the saved theme once and keeps <html data-theme> in step with it. */
export function useTheme(): void {
  const [theme, setTheme] = useState('system');
  useEffect(() => {
    listeners.push(setTheme);
    if (isConnected())
      void api()
        .settingsGet({})
        .then((r) => r.ok && setTheme(r.value.theme));
    return () => {
      listeners = listeners.filter((l) => l !== setTheme);
    };
  }, []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
}
