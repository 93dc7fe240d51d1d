// The file timeline (#/file/PLAN/STAMP/path[?against=STAMP]): every version of one file across the kept
// backups, the version held by STAMP selected with its preview and actions, and a diff against another.
import { useEffect } from 'react';
import { api } from '../client';
import { bytes, counted, dateTime } from '../format';
import { navigate } from '../route';
import { useApp } from '../store/store';
import { useCall } from '../useCall';
import { CompareVersions, heldText, VersionPanel, type Version } from './FileVersion';
import { ErrorLine } from '../components/ErrorLine';

/** The view for #/file/...: the timeline of the file the address names. */
export function FileTimeline() {
  const route = useApp((s) => s.route);
  if (!route.plan || !route.stamp || !route.path)
    return (
      <>
        <h1>File timeline</h1>
        <p>Open a file in Browse and restore to see all its versions.</p>
      </>
    );
  return (
    <Timeline
      key={`${route.plan}\n${route.path}`}
      plan={route.plan}
      stamp={route.stamp}
      path={route.path}
      against={route.against}
    />
  );
}

const CHANGE = {
  first: 'the oldest version kept',
  changed: 'changed',
  same: 'same content as the previous (only its date changed)',
} as const;

function VersionRow(o: { v: Version; selected: boolean; onPick(): void }) {
  const { v } = o;
  return (
    <li data-row className={o.selected ? 'version selected' : 'version'}>
      <button
        type="button"
        className="link"
        aria-current={o.selected ? 'true' : undefined}
        onClick={o.onPick}
      >
        Modified {dateTime(v.mtimeMs)}
      </button>
      <span>{v.kind === 'file' ? bytes(v.size) : v.kind === 'dir' ? 'folder' : 'link'}</span>
      <span className={v.change === 'changed' ? 'status-warnings' : 'muted'}>{CHANGE[v.change]}</span>
      <span className="muted">
        {heldText(v)}
        {v.absentBefore > 0 ? ` · gone from ${counted(v.absentBefore, 'backup')} before it` : ''}
      </span>
    </li>
  );
}

function Timeline(o: { plan: string; stamp: string; path: string; against?: string }) {
  const { plan, stamp, path } = o;
  const t = useCall(`${plan}\n${path}`, () => api().fileTimeline({ plan, path }));
  const versions = t.value?.versions ?? [];
  const sel = versions.findIndex((v) => v.stamps.includes(stamp));
  const newest = versions[0]?.stamps[0];
  // An address naming a backup that does not hold the file shows its newest version.
  useEffect(() => {
    if (sel < 0 && newest) navigate({ view: 'file', plan, stamp: newest, path }, { replace: true });
  }, [sel, newest, plan, path]);
  const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const held = versions.reduce((n, v) => n + v.stamps.length, 0);
  const selected = versions[sel];
  return (
    <>
      <h1>File timeline</h1>
      <p className="row">
        <span className="path">{t.value?.displayPath ?? path}</span>
        <button
          type="button"
          className="link"
          onClick={() => navigate({ view: 'browse', plan, stamp, path: folder })}
        >
          Show its folder
        </button>
      </p>
      <ErrorLine text={t.error} />
      <p className="muted" role="status">
        {t.value
          ? `${counted(versions.length, 'version')} in ${counted(held, 'backup')} of plan ${plan} (found in ${t.value.elapsedMs} ms)`
          : t.loading
            ? 'Loading…'
            : ''}
      </p>
      <ol className="versions" aria-label="Versions, newest first">
        {versions.map((v, i) => (
          <VersionRow
            key={v.stamps[0]}
            v={v}
            selected={i === sel}
            onPick={() => navigate({ view: 'file', plan, stamp: v.stamps[0]!, path })}
          />
        ))}
      </ol>
      {selected && (
        <>
          <VersionPanel plan={plan} stamp={stamp} path={path} version={selected} />
          <CompareVersions
            plan={plan}
            stamp={stamp}
            path={path}
            versions={versions}
            sel={sel}
            against={o.against}
          />
        </>
      )}
    </>
  );
}
