// Overview: per plan, is it safe (in words and colour), when was the last good backup, what comes next,
// what changed since, Drive; "Back up now" with live progress and Cancel; size and new bytes over time.
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { DriveStatus, PlanStatus } from '../../../shared/contract';
import { loadBackups } from '../bridge';
import { api } from '../client';
import { BackupChart } from '../components/BackupChart';
import { PauseBar, pausedText } from '../components/PauseBar';
import { ProgressBar } from '../components/ProgressBar';
import { runText } from '../components/RunStatus';
import { bytes, counted, when } from '../format';
import { appStore, useApp } from '../store/store';
import { useCall, type CallState } from '../useCall';
import { ErrorLine } from '../components/ErrorLine';

/** The badge of each health state (the README's table): only "healthy" is green "Safe". */
const STATE_WORDS: Record<PlanStatusValue['state'], string> = {
  healthy: 'Safe',
  'first-backup': 'First backup running',
  'waiting-run': 'Waiting to run',
  attention: 'Needs attention',
  'waiting-disk': 'Backup disk not connected',
  failing: 'Failing',
};

type PlanStatusValue = z.output<typeof PlanStatus>;
type DriveCall = CallState<z.output<typeof DriveStatus>>;

function RunPanel({ plan }: { plan: string }) {
  const run = useApp((s) => s.runs[plan] ?? null);
  const finished = useApp((s) => s.finished[plan] ?? null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const start = async () => {
    setError(null);
    const r = await api().runNow({ plan, ...(note.trim() ? { note: note.trim() } : {}) });
    if (!r.ok) return setError(r.error.message);
    setNote('');
    appStore.getState().applyRunProgress(r.value.run);
  };
  const cancel = async () => {
    const r = await api().runCancel({ plan });
    if (!r.ok) setError(r.error.message);
  };
  return (
    <section aria-label={`Backup of ${plan}`}>
      {run ? (
        <div className="run">
          <p role="status">
            {run.phase === 'queued'
              ? 'Waiting for the run before it…'
              : run.phase === 'cancelling'
                ? 'Cancelling…'
                : 'Backing up…'}
          </p>
          <ProgressBar fraction={run.fraction} label={`Backup progress of ${plan}`} />
          <p className="muted">{runText(run)}</p>
          <p className="path">{run.currentPath}</p>
          <button type="button" onClick={() => void cancel()} disabled={run.phase === 'cancelling'}>
            Cancel
          </button>
        </div>
      ) : (
        <div className="row">
          <button type="button" className="primary big" onClick={() => void start()}>
            Back up now
          </button>
          {/* A backup made by hand with a note is kept at least as long as the plan's retention says. */}
          <input
            aria-label={`Note for a backup of ${plan} now`}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder="optional note, e.g. before the OS upgrade"
          />
        </div>
      )}
      {!run && finished && (
        <p
          role="status"
          className={`status-${finished.outcome === 'cancelled' ? 'warnings' : finished.outcome}`}
        >
          {finished.outcome === 'complete' && 'The backup finished.'}
          {finished.outcome === 'warnings' &&
            `The backup finished with ${counted(finished.backup?.warnings ?? 0, 'warning')} (see Activity).`}
          {finished.outcome === 'cancelled' && 'The backup was cancelled; nothing was left behind.'}
          {finished.outcome === 'failed' && `The backup failed: ${finished.error?.message ?? ''}`}
        </p>
      )}
      <ErrorLine text={error} />
    </section>
  );
}

function PlanCard({ p, drive, now }: { p: PlanStatusValue; drive: DriveCall; now: number }) {
  const pause = useApp((s) => s.status?.pause ?? null);
  const backups = useApp((s) => s.backups[p.planName]);
  const version = useApp((s) => s.backupsVersion);
  useEffect(() => {
    void loadBackups(appStore, api(), p.planName);
  }, [p.planName, version]);
  const d = drive.value;
  const dp = d?.plans.find((x) => x.planName === p.planName);
  const points = (backups ?? [])
    .filter((b) => b.status !== 'failed')
    .map((b) => b)
    .reverse();
  return (
    <article className="card" aria-labelledby={`plan-${p.planName}`}>
      <div className="row">
        <h2 id={`plan-${p.planName}`}>{p.planName}</h2>
        <span className={`state state-${p.state}`} data-testid="plan-state">
          {STATE_WORDS[p.state]}
        </span>
      </div>
      {p.reasons.length > 0 && (
        <ul className="reasons">
          {p.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      <dl className="facts">
        <dt>Last good backup</dt>
        <dd>{p.lastGood ? when(p.lastGood.finishedAt, now) : 'none yet'}</dd>
        {p.lastRun && p.lastRun.status === 'failed' && (
          <>
            <dt>Last run</dt>
            <dd className="status-failed">
              failed {when(p.lastRun.finishedAt, now)}
              {p.lastRun.error ? `: ${p.lastRun.error}` : ''}
            </dd>
          </>
        )}
        <dt>Next run</dt>
        <dd>
          {pause ? pausedText(pause.until) : p.nextRun ? when(p.nextRun, now) : 'not scheduled'} (
          {p.scheduleText})
        </dd>
        <dt>Changed since</dt>
        <dd>
          {p.changedFiles === null
            ? p.watch.state === 'starting'
              ? 'counting…'
              : (p.watch.message ?? 'not watched; counted at the next backup')
            : counted(p.changedFiles, 'file')}
        </dd>
        <dt>Google Drive</dt>
        <dd>
          {drive.error
            ? drive.error
            : !d
              ? '…'
              : !d.connected
                ? 'not connected'
                : dp
                  ? `${counted(dp.backupsOnDrive, 'backup')} on Drive, last push ${dp.lastPushAt ? when(dp.lastPushAt, now) : 'never'}${dp.pendingBytes ? `, ${bytes(dp.pendingBytes)} to upload` : ''}${dp.waiting ? `. ${dp.waiting}` : ''}`
                  : 'connected; this plan is not copied to Drive'}
        </dd>
      </dl>
      <RunPanel plan={p.planName} />
      <h3>Size and new bytes per backup</h3>
      <BackupChart points={points} />
    </article>
  );
}

/** The first view: are my files safe? */
export function Overview() {
  const status = useApp((s) => s.status);
  const statusError = useApp((s) => s.statusError);
  const drive = useCall('drive', () => api().driveStatus({}));
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  return (
    <>
      <h1>Overview</h1>
      <ErrorLine text={statusError} />
      {!status && !statusError && <p>Loading…</p>}
      <PauseBar />
      {status?.plans.map((p) => (
        <PlanCard key={p.planName} p={p} now={now} drive={drive} />
      ))}
    </>
  );
}
