// Adds a database to a plan, as `cairn dbsource add` does: PostgreSQL by its server's fields or a connection
// string (the password goes to the secret store), or a SQLite file. Mistakes are said beside their field.
import { useId, useState, type FormEvent } from 'react';
import type { MethodInput } from '../../../shared/contract';
import { api } from '../client';
import { FormEnd, makeField } from '../components/formField';

type Kind = 'postgres' | 'sqlite';
type Format = 'custom' | 'sql.gz' | 'backup' | 'vacuum';

/** The dump formats of each kind, the first the default (as `cairn dbsource add --format`). */
const FORMATS: Record<Kind, { value: Format; text: string }[]> = {
  postgres: [
    { value: 'custom', text: 'pg_dump custom format (restores with pg_restore)' },
    { value: 'sql.gz', text: 'plain SQL, gzipped (restores with psql)' },
  ],
  sqlite: [
    { value: 'backup', text: "SQLite's online backup (an exact copy)" },
    { value: 'vacuum', text: 'VACUUM INTO (a compacted copy)' },
  ],
};
type Values = Record<'file' | 'host' | 'port' | 'database' | 'user' | 'url' | 'password' | 'label', string>;

const START: Values = {
  file: '',
  host: '127.0.0.1',
  port: '5432',
  database: '',
  user: '',
  url: '',
  password: '',
  label: '',
};

const LABEL = /^[\p{L}\p{N}][\p{L}\p{N}._ -]{0,63}$/u;

/** What is wrong with each field, in words; an empty object when the form can be sent. */
export function formProblems(kind: Kind, byUrl: boolean, v: Values): Partial<Record<keyof Values, string>> {
  const p: Partial<Record<keyof Values, string>> = {};
  if (v.label && !LABEL.test(v.label))
    p.label = 'Letters, digits, dot, dash, underscore or space, up to 64, starting with a letter or digit.';
  if (kind === 'sqlite') {
    if (!v.file.trim()) p.file = 'Give the database file.';
    else if (!v.file.startsWith('/')) p.file = 'Give the full path of the file, starting with /.';
    return p;
  }
  if (byUrl) {
    if (!/^postgres(ql)?:\/\/[^/]/.test(v.url.trim()))
      p.url = 'Write it as postgresql://USER@HOST:PORT/DATABASE.';
    else if (!/^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(v.url.trim()))
      p.url = 'It names no database: add /DATABASE after the host.';
    return p;
  }
  if (!v.host.trim()) p.host = 'Give the server (127.0.0.1 for this computer).';
  const port = Number(v.port);
  if (v.port && !(Number.isInteger(port) && port >= 1 && port <= 65535)) p.port = 'A port is 1 to 65535.';
  if (!v.database.trim()) p.database = 'Give the database name.';
  if (!v.user.trim()) p.user = 'Give the user Cairn connects as.';
  return p;
}

function input(
  plan: string,
  kind: Kind,
  byUrl: boolean,
  v: Values,
  chosen: Format,
): MethodInput<'dbSourceAdd'> {
  const label = v.label.trim() || undefined;
  // The default format is left to the service, as the CLI leaves it.
  const format = chosen === FORMATS[kind][0]!.value ? undefined : chosen;
  if (kind === 'sqlite') return { plan, kind, file: v.file.trim(), label, ...(format && { format }) };
  const password = v.password || undefined;
  if (byUrl) return { plan, kind, url: v.url.trim(), password, label, ...(format && { format }) };
  const port = v.port ? Number(v.port) : undefined;
  return {
    ...(format && { format }),
    plan,
    kind,
    host: v.host.trim(),
    port,
    database: v.database.trim(),
    user: v.user.trim(),
    password,
    label,
  };
}

/** The form; `onDone` gets what to tell (the server's answer included) after the source was added. */
export function DbSourceForm(props: { plan: string; onDone(told: string): void; onCancel(): void }) {
  const id = useId();
  const [kind, setKind] = useState<Kind>('postgres');
  const [byUrl, setByUrl] = useState(false);
  const [format, setFormat] = useState<Format>('custom');
  const [v, setV] = useState<Values>(START);
  const [shown, setShown] = useState<Set<keyof Values>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const problems = formProblems(kind, byUrl, v);
  const field = makeField({ id, values: v, setValues: setV, problems, shown, setShown });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (Object.keys(problems).length) return setShown(new Set(Object.keys(problems) as (keyof Values)[]));
    setBusy(true);
    const r = await api().dbSourceAdd(input(props.plan, kind, byUrl, v, format));
    setBusy(false);
    if (!r.ok) return setError(r.error.message);
    const s = r.value.source;
    props.onDone(
      `Added ${s.label}; it is dumped before each backup.` +
        (r.value.connection
          ? ` The server did not answer now (${r.value.connection}); it is kept, and the next backup tries again.`
          : ''),
    );
  };
  return (
    <form className="card db-form" aria-label="Add a database" onSubmit={(e) => void submit(e)} noValidate>
      <fieldset>
        <legend>Kind</legend>
        <label>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={kind === 'postgres'}
            onChange={() => {
              setKind('postgres');
              setFormat('custom');
            }}
          />
          PostgreSQL
        </label>{' '}
        <label>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={kind === 'sqlite'}
            onChange={() => {
              setKind('sqlite');
              setFormat('backup');
            }}
          />
          SQLite file
        </label>
      </fieldset>
      {kind === 'sqlite' ? (
        field('file', 'Database file', { placeholder: '/home/me/.local/share/app/app.sqlite' })
      ) : (
        <>
          <fieldset>
            <legend>Connect with</legend>
            <label>
              <input type="radio" name={`${id}-by`} checked={!byUrl} onChange={() => setByUrl(false)} />
              Server and database
            </label>{' '}
            <label>
              <input type="radio" name={`${id}-by`} checked={byUrl} onChange={() => setByUrl(true)} />
              Connection string
            </label>
          </fieldset>
          {byUrl ? (
            field('url', 'Connection string', { placeholder: 'postgresql://app@127.0.0.1:5432/shop' })
          ) : (
            <div className="row">
              {field('host', 'Host')}
              {field('port', 'Port')}
              {field('database', 'Database')}
              {field('user', 'User')}
            </div>
          )}
          {field('password', 'Password (optional)', {
            type: 'password',
            hint: 'Kept in the secret store, never in the catalog or a log. Leave it empty to use ~/.pgpass.',
          })}
        </>
      )}
      <div className="field">
        <label htmlFor={`${id}-format`}>Copy as</label>
        <select id={`${id}-format`} value={format} onChange={(e) => setFormat(e.target.value as Format)}>
          {FORMATS[kind].map((f) => (
            <option key={f.value} value={f.value}>
              {f.text}
            </option>
          ))}
        </select>
      </div>
      {field('label', 'Label (optional)', {
        hint: 'Its folder name in the backups; the database or file name when empty.',
      })}
      <FormEnd error={error} busy={busy} send="Add database" onCancel={props.onCancel} />
    </form>
  );
}
