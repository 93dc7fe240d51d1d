// When a plan backs up: a preset (hourly, every N hours, daily at, weekly on) or an advanced cron
// expression, with the schedule in words and its next runs. It edits the cron expression the plan stores.
import { useState } from 'react';
import { api } from '../client';
import { dateTime } from '../format';
import {
  cronToPreset,
  EVERY_HOURS,
  hhmm,
  parseHhmm,
  presetToCron,
  switchPreset,
  WEEKDAYS,
  type SchedulePreset,
} from '../schedulePreset';
import { useCall } from '../useCall';

const KINDS: [SchedulePreset['kind'], string][] = [
  ['hourly', 'Every hour'],
  ['hours', 'Every few hours'],
  ['daily', 'Every day'],
  ['weekly', 'Every week'],
  ['cron', 'Advanced (cron)'],
];

function TimeField({ p, set }: { p: { hour: number; minute: number }; set(t: typeof p): void }) {
  return (
    <label>
      at{' '}
      <input
        type="time"
        aria-label="Time of day"
        value={hhmm(p.hour, p.minute)}
        onChange={(e) => {
          const t = parseHhmm(e.target.value);
          if (t) set(t);
        }}
      />
    </label>
  );
}

function MinuteField({ minute, set }: { minute: number; set(m: number): void }) {
  return (
    <label>
      at{' '}
      <input
        type="number"
        className="narrow"
        min={0}
        max={59}
        aria-label="Minutes past the hour"
        value={minute}
        onChange={(e) => {
          const m = Number(e.target.value);
          if (Number.isInteger(m) && m >= 0 && m <= 59) set(m);
        }}
      />{' '}
      minutes past the hour
    </label>
  );
}

/** The fields of one preset. */
function PresetFields({ p, set }: { p: SchedulePreset; set(p: SchedulePreset): void }) {
  switch (p.kind) {
    case 'hourly':
      return <MinuteField minute={p.minute} set={(minute) => set({ ...p, minute })} />;
    case 'hours':
      return (
        <>
          <label>
            every{' '}
            <select
              aria-label="Hours between backups"
              value={p.every}
              onChange={(e) => set({ ...p, every: Number(e.target.value) })}
            >
              {EVERY_HOURS.map((n) => (
                <option key={n} value={n}>
                  {n} hours
                </option>
              ))}
            </select>
          </label>
          <MinuteField minute={p.minute} set={(minute) => set({ ...p, minute })} />
        </>
      );
    case 'daily':
      return <TimeField p={p} set={(t) => set({ ...p, ...t })} />;
    case 'weekly':
      return (
        <>
          <label>
            on{' '}
            <select
              aria-label="Day of the week"
              value={p.day}
              onChange={(e) => set({ ...p, day: Number(e.target.value) })}
            >
              {WEEKDAYS.map((d, i) => (
                <option key={d} value={i}>
                  {d}
                </option>
              ))}
            </select>
          </label>
          <TimeField p={p} set={(t) => set({ ...p, ...t })} />
        </>
      );
    case 'cron':
      return (
        <label>
          Cron (minute hour day month weekday){' '}
          <input
            aria-label="Schedule (cron)"
            value={p.expr}
            onChange={(e) => set({ ...p, expr: e.target.value })}
          />
        </label>
      );
  }
}

/** Picks a schedule; `onChange` gets the cron expression. Shows it in words and the next three runs. */
export function SchedulePicker({ value, onChange }: { value: string; onChange(cron: string): void }) {
  const [preset, setPreset] = useState(() => cronToPreset(value));
  const cron = presetToCron(preset);
  const described = useCall(cron ? `sched|${cron}` : null, () =>
    api().scheduleDescribe({ schedule: cron, count: 3 }),
  );
  const set = (p: SchedulePreset) => {
    setPreset(p);
    onChange(presetToCron(p));
  };
  const d = described.value;
  return (
    <fieldset className="schedule">
      <legend>When to back up</legend>
      <div className="row">
        <select
          aria-label="Schedule"
          value={preset.kind}
          onChange={(e) => set(switchPreset(preset, e.target.value as SchedulePreset['kind']))}
        >
          {KINDS.map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
        <PresetFields p={preset} set={set} />
      </div>
      <p id="schedule-text" className={d?.valid === false ? 'status-failed' : 'muted'} role="status">
        {described.error ?? (d ? `${d.text} (${d.timezone})` : '')}
      </p>
      {d && d.valid && d.nextRuns.length > 0 && (
        <div className="muted">
          Next runs:
          <ul aria-label="Next runs">
            {d.nextRuns.map((t) => (
              <li key={t}>{dateTime(t)}</li>
            ))}
          </ul>
        </div>
      )}
    </fieldset>
  );
}
