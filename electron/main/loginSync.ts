// Keeps "start at login" in the settings and in the OS in step. No electron here: tested in Node.
import type { z } from 'zod';
import type { Settings } from '../../shared/contract';
import type { ShellHost } from './serviceHost';

type SettingsValue = z.output<typeof Settings>;

/** Start at login as the OS sees it (implemented per OS in loginItems.ts). */
export interface LoginItem {
  get(): boolean;
  set(on: boolean): void;
}

/**
 * At start the OS is the truth (the user may have switched Cairn off in the system's startup settings),
 * so the setting follows it; afterwards a change of the setting in Cairn is applied to the OS. Returns
 * the hook to run after each successful contract call.
 */
export async function syncLoginItem(
  host: ShellHost,
  item: LoginItem,
): Promise<(method: string, value: unknown) => void> {
  const r = await host.call('settingsGet', {});
  const os = item.get();
  if (r.ok && (r.value as SettingsValue).startAtLogin !== os)
    await host.call('settingsSet', { startAtLogin: os });
  return (method, value) => {
    if (method !== 'settingsSet') return;
    const want = (value as SettingsValue).startAtLogin;
    if (want !== item.get()) item.set(want);
  };
}
