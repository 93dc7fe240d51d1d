// Settings: the plans (each with its own settings), notifications, start at login, theme.
import { useState } from 'react';
import type { z } from 'zod';
import type { Settings as SettingsSchema, SettingsPatch } from '../../../shared/contract';
import { api } from '../client';
import { appStore, useApp } from '../store/store';
import { useCall } from '../useCall';
import { themeChanged } from '../useTheme';
import { EmptyState } from './EmptyState';
import { PlanSettings } from './PlanSettings';

type SettingsValue = z.output<typeof SettingsSchema>;

/**
 * An ntfy or webhook address. The service shows one with credentials as *** (the whole one stays in its
 * secret store), so the field saves only when it was edited; an emptied field removes the address.
 */
function UrlField(o: { id: string; label: string; shown: string | null; save(url: string | null): void }) {
  const [value, setValue] = useState(o.shown ?? '');
  const commit = () => {
    if (value.trim() !== (o.shown ?? '')) o.save(value.trim() || null);
  };
  return (
    <div className="field">
      <label htmlFor={o.id}>{o.label}</label>
      <input
        id={o.id}
        type="url"
        value={value}
        placeholder="https://"
        onChange={(e) => setValue(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
    </div>
  );
}

function AppSettings({ s, onSaved }: { s: SettingsValue; onSaved(v: SettingsValue): void }) {
  const [msg, setMsg] = useState<string | null>(null);
  const patch = async (p: z.input<typeof SettingsPatch>) => {
    const r = await api().settingsSet(p);
    setMsg(r.ok ? 'Saved.' : r.error.message);
    if (r.ok) {
      onSaved(r.value);
      themeChanged(r.value.theme);
    }
  };
  const test = async () => {
    const r = await api().notifyTest({});
    setMsg(
      r.ok
        ? `Sent to: ${r.value.sent.join(', ') || 'nothing'}${r.value.failed.map((f) => `; ${f.channel} failed: ${f.message}`).join('')}`
        : r.error.message,
    );
  };
  return (
    <section className="card" aria-labelledby="app-settings">
      <h2 id="app-settings">Cairn</h2>
      <fieldset>
        <legend>Notifications</legend>
        <label>
          <input
            type="checkbox"
            checked={s.notifications.desktop}
            onChange={(e) => void patch({ notifications: { desktop: e.target.checked } })}
          />
          Desktop notifications when a backup fails or is overdue
        </label>
        <br />
        <label>
          <input
            type="checkbox"
            checked={s.notifications.onSuccess}
            onChange={(e) => void patch({ notifications: { onSuccess: e.target.checked } })}
          />
          Also tell me when a backup succeeds
        </label>
        <UrlField
          key={`ntfy:${s.notifications.ntfyUrl}`}
          id="ntfy-url"
          label="ntfy topic URL"
          shown={s.notifications.ntfyUrl}
          save={(ntfyUrl) => void patch({ notifications: { ntfyUrl } })}
        />
        <UrlField
          key={`webhook:${s.notifications.webhookUrl}`}
          id="webhook-url"
          label="Webhook URL"
          shown={s.notifications.webhookUrl}
          save={(webhookUrl) => void patch({ notifications: { webhookUrl } })}
        />
        <button type="button" onClick={() => void test()}>
          Send a test notification
        </button>
      </fieldset>
      <label>
        <input
          type="checkbox"
          checked={s.startAtLogin}
          onChange={(e) => void patch({ startAtLogin: e.target.checked })}
        />
        Start Cairn when I log in
      </label>
      <div className="field">
        <label htmlFor="theme">Theme</label>
        <select
          id="theme"
          value={s.theme}
          onChange={(e) => void patch({ theme: e.target.value as SettingsValue['theme'] })}
        >
          <option value="system">follow the system</option>
          <option value="light">light</option>
          <option value="dark">dark</option>
        </select>
      </div>
      <p className="muted">Schedules are read in the timezone {s.timezone}.</p>
      {msg && <p role="status">{msg}</p>}
    </section>
  );
}

/** The Settings view. */
export function Settings() {
  const plans = useApp((s) => s.plans);
  const selected = useApp((s) => s.selectedPlan);
  const settings = useCall('settings', () => api().settingsGet({}));
  const [saved, setSaved] = useState<SettingsValue | null>(null);
  const [adding, setAdding] = useState(false);
  const plan = plans?.find((p) => p.name === selected) ?? null;
  const s = saved ?? settings.value;
  return (
    <>
      <h1>Settings</h1>
      <div className="row" role="tablist" aria-label="Plans">
        {plans?.map((p) => (
          <button
            key={p.name}
            type="button"
            role="tab"
            aria-selected={p.name === selected && !adding}
            onClick={() => {
              setAdding(false);
              appStore.getState().selectPlan(p.name);
            }}
          >
            {p.name}
          </button>
        ))}
        <button type="button" role="tab" aria-selected={adding} onClick={() => setAdding(true)}>
          New plan
        </button>
      </div>
      {adding || !plan ? <EmptyState /> : <PlanSettings key={plan.name} plan={plan} />}
      {settings.error && (
        <p role="alert" className="error">
          {settings.error}
        </p>
      )}
      {s && <AppSettings s={s} onSaved={setSaved} />}
    </>
  );
}
