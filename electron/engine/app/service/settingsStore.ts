import { Settings, type SettingsPatch } from '../../../../shared/contract';
import type { z } from 'zod';
import { logActivity } from '../../catalog/activity';
import type { Db } from '../../catalog/db';
import { CairnError } from '../../errors';
import { checkSchedule } from '../../plans/planOps';
import { isTimezone } from '../../schedule/zoned';
import { kvGet, kvSet } from '../../catalog/kv';

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

/** Reads the settings (stored values over the defaults). */
export function readSettings(db: Db, defaults = defaultSettings()): SettingsValue {
  const stored = kvGet<Partial<SettingsValue>>(db, KEY) ?? {};
  const merged = merge(defaults, stored);
  const r = Settings.safeParse(merged);
  return r.success ? r.data : defaults;
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
  const next = merge(readSettings(db), patch);
  kvSet(db, KEY, next);
  logActivity(db, { at: now, kind: 'settings', actor, message: 'Settings changed', details: patch });
  return next;
}
