// The settings the shell acts on (notifications, start at login), kept in step with the service.
import type { z } from 'zod';
import type { Settings } from '../../shared/contract';
import type { LoginItem } from './loginItems';
import type { NotifyPrefs } from './notificationModel';
import type { ShellHost } from './serviceHost';

type SettingsValue = z.output<typeof Settings>;

export interface AppSettings {
  notifyPrefs(): NotifyPrefs;
  /** Follows a successful contract call: a settings change may switch start at login. */
  afterCall(method: string, value: unknown): void;
}

/**
 * Loads the settings and reconciles start at login. The OS is the truth at start (the user may have
 * switched it off there); after that, a change made in Cairn's settings is applied to the OS.
 */
export async function loadAppSettings(host: ShellHost, loginItem: LoginItem): Promise<AppSettings> {
  let settings: SettingsValue | null = null;
  const r = await host.call('settingsGet', {});
  if (r.ok) settings = r.value as SettingsValue;
  const osValue = loginItem.get();
  if (settings && settings.startAtLogin !== osValue) {
    const w = await host.call('settingsSet', { startAtLogin: osValue });
    if (w.ok) settings = w.value as SettingsValue;
  }
  return {
    notifyPrefs: () => settings?.notifications ?? { desktop: true, onSuccess: false },
    afterCall(method, value) {
      if (method !== 'settingsSet') return;
      settings = value as SettingsValue;
      if (settings.startAtLogin !== loginItem.get()) loginItem.set(settings.startAtLogin);
    },
  };
}
