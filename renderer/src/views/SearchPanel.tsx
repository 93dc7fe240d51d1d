// Search a name across every backup of a plan; each result lists its versions (first and last backup).
import { useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { SearchResults } from '../../../shared/contract';
import { api } from '../client';
import { bytes, count, counted, dateTime, stampText } from '../format';
import { navigate } from '../route';
import { ErrorLine } from '../components/ErrorLine';

/** The search box and its results; picking a version opens it in the browser with it selected. */
export function SearchPanel({ plan, onPick }: { plan: string; onPick(stamp: string, path: string): void }) {
  const [query, setQuery] = useState('');
  const [res, setRes] = useState<z.output<typeof SearchResults> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const r = await api().search({ query, plan, limit: 200 });
    if (r.ok) setRes(r.value);
    else setError(r.error.message);
  };
  return (
    <section aria-label="Search">
      <form className="row" role="search" onSubmit={(e) => void submit(e)}>
        <label>
          Find a file in every backup
          <input value={query} onChange={(e) => setQuery(e.target.value)} placeholder="report.odt" />
        </label>
        <button type="submit" disabled={!query.trim()}>
          Search
        </button>
        {res && (
          <button type="button" onClick={() => setRes(null)}>
            Close results
          </button>
        )}
      </form>
      <ErrorLine text={error} />
      {res && (
        <div className="card">
          <p className="muted" role="status">
            {count(res.results.length)} paths{res.truncated ? ' (more matched: refine the name)' : ''} in{' '}
            {res.elapsedMs} ms
          </p>
          <ul>
            {res.results.map((r) => (
              <li key={r.path}>
                <span className="path">{r.displayPath}</span>{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() =>
                    navigate({
                      view: 'file',
                      plan: r.planName,
                      stamp: r.versions.at(-1)!.lastStamp,
                      path: r.path,
                    })
                  }
                >
                  All versions
                </button>
                <ul>
                  {r.versions.map((v) => (
                    <li key={v.lastStamp + (v.sha256 ?? '')}>
                      {bytes(v.size)}, changed {dateTime(v.mtimeMs)}, in {counted(v.backups, 'backup')} from{' '}
                      {stampText(v.firstStamp)} to {stampText(v.lastStamp)}{' '}
                      <button type="button" className="link" onClick={() => onPick(v.lastStamp, r.path)}>
                        Select this version
                      </button>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
