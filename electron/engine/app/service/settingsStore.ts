import { Settings, type SettingsPatch } from '../../../../shared/contract';
import type { z } from 'zod';
import { logActivity } from '../../catalog/activity';
import type { Db } from '../../catalog/db';
import { CairnError } from '../../errors';
import { checkSchedule } from '../../plans/planOps';
import { isTimezone } from '../../schedule/zoned';
import { kvGet, kvSet } from '../../catalog/kv';
import { redact } from '../../secrets/redact';

export type SettingsValue = z.output<typeof Settings>;
type Patch = z.output<typeof SettingsPatch>;

const KEY = 'service.settings';

/** The settings a new install starts with: the system's timezone, weekly verify, no remote notifications. */
export function defaultSettings(tz = Intl.DateTimeFormat().resolvedOptions().timeZone): SettingsValue {
  return {
    timezone: tz || 'UTC',
    notifications: { desktop: true, ntfyUrl: null, webhookUrl: null, onSuccess: false },
    verify: { enabled: true, schedule: '30 3 * * 0', samplePercent: 100 },
    watch: { enabled: true, autoBackup: false, settleSeconds: 300, minIntervalMinutes: 60 },
    catchUpDelaySeconds: 120,
    startAtLogin: false,
    theme: 'system',
  };
}

/** The settings as stored (stored values over the defaults); an older Cairn's URLs may hold credentials. */
function storedSettings(db: Db, defaults = defaultSettings()): SettingsValue {
  const stored = kvGet<Partial<SettingsValue>>(db, KEY) ?? {};
  const merged = merge(defaults, stored);
  const r = Settings.safeParse(merged);
  return r.success ? r.data : defaults;
}

/** Reads the settings, notification addresses redacted (the whole ones are in the secret store). */
export function readSettings(db: Db, defaults = defaultSettings()): SettingsValue {
  const s = storedSettings(db, defaults);
  const n = s.notifications;
  return {
    ...s,
    notifications: {
      ...n,
      ntfyUrl: n.ntfyUrl && redact(n.ntfyUrl),
      webhookUrl: n.webhookUrl && redact(n.webhookUrl),
    },
  };
}

/** The notification addresses as the catalog holds them (redacted, or whole from an older Cairn). */
export function storedNotifications(db: Db): SettingsValue['notifications'] {
  return storedSettings(db).notifications;
}

/** Replaces notification addresses without a settings change (moving credentials to the secret store). */
export function saveStoredUrls(
  db: Db,
  urls: Partial<Pick<SettingsValue['notifications'], 'ntfyUrl' | 'webhookUrl'>>,
): void {
  kvSet(db, KEY, merge(storedSettings(db), { notifications: urls }));
}

function merge(base: SettingsValue, p: Partial<SettingsValue> | Patch): SettingsValue {
  return {
    ...base,
    ...definedOnly(p),
    notifications: { ...base.notifications, ...definedOnly(p.notifications ?? {}) },
    verify: { ...base.verify, ...definedOnly(p.verify ?? {}) },
    watch: { ...base.watch, ...definedOnly(p.watch ?? {}) },
  } as SettingsValue;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Changes settings after checking the timezone and the verify schedule; logs the change. */
export function writeSettings(db: Db, patch: Patch, now: number, actor: string): SettingsValue {
  if (patch.timezone !== undefined && !isTimezone(patch.timezone)) {
    throw new CairnError('usage', `"${patch.timezone}" is not a timezone; use a name such as Europe/Berlin.`);
  }
  if (patch.verify?.schedule !== undefined) checkSchedule(patch.verify.schedule);
  kvSet(db, KEY, merge(storedSettings(db), patch));
  logActivity(db, { at: now, kind: 'settings', actor, message: 'Settings changed', details: patch });
  return readSettings(db);
}
