// The window: navigation, the view for the address's #/view, and the first-run screen when there is no plan.
import { useEffect } from 'react';
import { RunIndicator } from './components/RunStatus';
import { useApp } from './store/store';
import type { View } from './route';
import { Activity } from './views/Activity';
import { Browse } from './views/Browse';
import { Changes } from './views/Changes';
import { EmptyState } from './views/EmptyState';
import { FileTimeline } from './views/FileTimeline';
import { History } from './views/History';
import { Offsite } from './views/Offsite';
import { Overview } from './views/Overview';
import { Retention } from './views/Retention';
import { Settings } from './views/Settings';
import { useTheme } from './useTheme';
import { ErrorLine } from './components/ErrorLine';

const NAV: [View, string][] = [
  ['overview', 'Overview'],
  ['history', 'History'],
  ['browse', 'Browse and restore'],
  ['retention', 'Retention'],
  ['drive', 'Off-site copies'],
  ['settings', 'Settings'],
  ['activity', 'Activity'],
];

/** The window's title for each view (the navigation's words, and the views it has no item for). */
const TITLES: Record<View, string> = {
  ...(Object.fromEntries(NAV) as Record<(typeof NAV)[number][0], string>),
  file: 'File timeline',
  changes: 'What changed',
};

/** The navigation item a view belongs to: a file's timeline and a backup's changes are part of browsing. */
function navItem(view: View): View {
  return view === 'file' || view === 'changes' ? 'browse' : view;
}

function Body({ view }: { view: View }) {
  switch (view) {
    case 'overview':
      return <Overview />;
    case 'history':
      return <History />;
    case 'browse':
      return <Browse />;
    case 'file':
      return <FileTimeline />;
    case 'changes':
      return <Changes />;
    case 'retention':
      return <Retention />;
    case 'drive':
      return <Offsite />;
    case 'settings':
      return <Settings />;
    case 'activity':
      return <Activity />;
  }
}

/** The skip link moves focus to the view itself; its href would change the address, which is the route. */
function skipToMain(e: React.MouseEvent) {
  e.preventDefault();
  document.getElementById('main')?.focus();
}

/** The whole UI. */
export function App({ connected }: { connected: boolean }) {
  const view = useApp((s) => s.view);
  const plans = useApp((s) => s.plans);
  const plansError = useApp((s) => s.plansError);
  const connection = useApp((s) => s.connection);
  useTheme();
  useEffect(() => {
    document.title = `Cairn: ${TITLES[view]}`;
  }, [view]);

  if (!connected) {
    return (
      <main className="page">
        <h1>Cairn</h1>
        <p role="alert">
          This page needs the address Cairn printed when it started (it ends in #token=...). Open that address
          again.
        </p>
      </main>
    );
  }
  const empty = plans !== null && plans.length === 0;
  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <nav className="nav" aria-label="Views">
        <div className="brand">Cairn</div>
        <ul>
          {NAV.map(([v, label]) => (
            <li key={v}>
              <a href={`#/${v}`} aria-current={v === navItem(view) ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
        <RunIndicator />
        <p className={`conn conn-${connection}`} role="status">
          {connection === 'live' ? 'Connected' : connection === 'down' ? 'Reconnecting…' : 'Connecting…'}
        </p>
      </nav>
      <main className="page" id="main" tabIndex={-1}>
        <ErrorLine text={plansError} />
        {plans === null && !plansError ? (
          <p>Loading…</p>
        ) : empty && view !== 'settings' && view !== 'activity' && view !== 'drive' ? (
          <EmptyState />
        ) : (
          <Body view={view} />
        )}
      </main>
    </div>
  );
}
