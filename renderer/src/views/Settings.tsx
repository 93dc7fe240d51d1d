// Settings: the plans (each with its own settings), notifications, start at login, theme.
import { useState } from 'react';
import type { z } from 'zod';
import type { NotifyTestResult, Settings as SettingsSchema, SettingsPatch } from '../../../shared/contract';
import { api, desktop } from '../client';
import { addressProblem, channelName, NTFY_SERVER, ntfyParts, ntfyUrl, topicProblem } from '../notifyAddress';
import { appStore, useApp } from '../store/store';
import { useCall } from '../useCall';
import { themeChanged } from '../useTheme';
import { EmptyState } from './EmptyState';
import { PlanSettings } from './PlanSettings';
import { ErrorLine } from '../components/ErrorLine';

type SettingsValue = z.output<typeof SettingsSchema>;

/** A text field with its inline problem (checked as typed) under it. */
function CheckedField(o: {
  id: string;
  label: string;
  value: string;
  placeholder?: string;
  problem: string | null;
  set(v: string): void;
  commit(): void;
}) {
  return (
    <div className="field">
      <label htmlFor={o.id}>{o.label}</label>
      <input
        id={o.id}
        value={o.value}
        placeholder={o.placeholder}
        aria-invalid={o.problem !== null}
        aria-describedby={o.problem ? `${o.id}-problem` : undefined}
        onChange={(e) => o.set(e.target.value)}
        onBlur={o.commit}
        onKeyDown={(e) => e.key === 'Enter' && o.commit()}
      />
      {o.problem && (
        <small id={`${o.id}-problem`} className="status-failed">
          {o.problem}
        </small>
      )}
    </div>
  );
}

/**
 * The ntfy server and topic, saved as one URL. The service shows an address with credentials as *** (the
 * whole one stays in its secret store), so it saves only when edited; an emptied topic removes ntfy.
 */
function NtfyFields(o: { shown: string | null; save(url: string | null): void }) {
  const [parts, setParts] = useState(() => ntfyParts(o.shown));
  const serverProblem = addressProblem(parts.server) ?? (parts.server.trim() ? null : 'Give the server.');
  const problem = topicProblem(parts.topic);
  const commit = () => {
    const url = ntfyUrl(parts.server, parts.topic);
    if (serverProblem || problem || url === o.shown) return;
    o.save(url);
  };
  return (
    <div className="row">
      <CheckedField
        id="ntfy-server"
        label="ntfy server"
        value={parts.server}
        placeholder={NTFY_SERVER}
        problem={serverProblem}
        set={(server) => setParts((p) => ({ ...p, server }))}
        commit={commit}
      />
      <CheckedField
        id="ntfy-topic"
        label="ntfy topic"
        value={parts.topic}
        placeholder="a name others cannot guess"
        problem={problem}
        set={(topic) => setParts((p) => ({ ...p, topic }))}
        commit={commit}
      />
    </div>
  );
}

/** The webhook address; saved only when edited and valid (see NtfyFields). */
function WebhookField(o: { shown: string | null; save(url: string | null): void }) {
  const [value, setValue] = useState(o.shown ?? '');
  const problem = addressProblem(value);
  return (
    <CheckedField
      id="webhook-url"
      label="Webhook URL (Cairn POSTs JSON to it)"
      value={value}
      placeholder="https://"
      problem={problem}
      set={setValue}
      commit={() => {
        if (!problem && value.trim() !== (o.shown ?? '')) o.save(value.trim() || null);
      }}
    />
  );
}

type TestResult = z.output<typeof NotifyTestResult>;

/** What "Send a test" did, channel by channel. */
function TestReport({ r }: { r: TestResult }) {
  if (r.sent.length === 0 && r.failed.length === 0)
    return <p role="status">No channel is set: switch one on above.</p>;
  return (
    <div role="status">
      <ul aria-label="Test notification">
        {r.sent.map((c) => (
          <li key={c} className="status-complete">
            {channelName(c)}: sent
          </li>
        ))}
        {r.failed.map((f) => (
          <li key={f.channel} className="status-failed">
            {channelName(f.channel)}: failed: {f.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function StartAtLogin({ s, patch }: { s: SettingsValue; patch(p: z.input<typeof SettingsPatch>): void }) {
  return (
    <div className="login-item">
      <label>
        <input
          type="checkbox"
          checked={s.startAtLogin}
          disabled={s.startAtLoginSupported === false}
          aria-describedby={s.startAtLoginNote ? 'login-note' : undefined}
          onChange={(e) => patch({ startAtLogin: e.target.checked })}
        />
        Start Cairn when I log in
      </label>
      {s.startAtLoginNote && (
        <small id="login-note" className="muted">
          {s.startAtLoginNote}
        </small>
      )}
    </div>
  );
}

function AppSettings({ s, onSaved }: { s: SettingsValue; onSaved(v: SettingsValue): void }) {
  const [msg, setMsg] = useState<string | null>(null);
  const [tested, setTested] = useState<TestResult | null>(null);
  const patch = async (p: z.input<typeof SettingsPatch>) => {
    const r = await api().settingsSet(p);
    setMsg(r.ok ? 'Saved.' : r.error.message);
    if (r.ok) {
      onSaved(r.value);
      themeChanged(r.value.theme);
    }
  };
  const test = async () => {
    setTested(null);
    setMsg('Sending…');
    const r = await api().notifyTest({});
    setMsg(r.ok ? null : r.error.message);
    if (r.ok) setTested(r.value);
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
          {desktop() === null && (
            <span className="muted">
              {' '}
              (shown by the Cairn app; <code>cairn serve</code> writes them to its log whatever this says)
            </span>
          )}
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
        <NtfyFields
          key={`ntfy:${s.notifications.ntfyUrl}`}
          shown={s.notifications.ntfyUrl}
          save={(ntfyUrl) => void patch({ notifications: { ntfyUrl } })}
        />
        <WebhookField
          key={`webhook:${s.notifications.webhookUrl}`}
          shown={s.notifications.webhookUrl}
          save={(webhookUrl) => void patch({ notifications: { webhookUrl } })}
        />
        <button type="button" onClick={() => void test()}>
          Send a test notification
        </button>
        {tested && <TestReport r={tested} />}
      </fieldset>
      <StartAtLogin s={s} patch={(p) => void patch(p)} />
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
      <ErrorLine text={settings.error} />
      {s && <AppSettings s={s} onSaved={setSaved} />}
    </>
  );
}
