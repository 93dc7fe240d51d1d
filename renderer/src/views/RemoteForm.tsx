// Adds an off-site remote, as `cairn remote add` does: an S3-compatible bucket (its URL, endpoint, region,
// path-style, storage class and keys, which go to the secret store) or an existing rclone remote. The
// service checks every field again and looks at the store; what it found is told after.
import { useId, useState, type FormEvent } from 'react';
import type { MethodInput } from '../../../shared/contract';
import { api } from '../client';
import { FormEnd, makeField } from '../components/formField';

type Kind = 's3' | 'rclone';
type Key =
  | 'name'
  | 'url'
  | 'endpoint'
  | 'region'
  | 'storageClass'
  | 'accessKeyId'
  | 'secretAccessKey'
  | 'target'
  | 'configFile';
type Values = Record<Key, string>;

const START: Values = {
  name: '',
  url: '',
  endpoint: '',
  region: '',
  storageClass: '',
  accessKeyId: '',
  secretAccessKey: '',
  target: '',
  configFile: '',
};

/** What is wrong with each field, in words (the service checks the rest); empty when it can be sent. */
export function remoteFormProblems(kind: Kind, v: Values): Partial<Record<Key, string>> {
  const p: Partial<Record<Key, string>> = {};
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(v.name.trim()))
    p.name = 'Up to 32 letters, digits, dots, dashes or underscores, starting with a letter or digit.';
  if (kind === 'rclone') {
    if (!/^:?[^:\s][^:]*:/.test(v.target.trim()))
      p.target = 'Write it as REMOTE:PATH, with a remote `rclone config` made.';
    if (v.configFile && !v.configFile.startsWith('/')) p.configFile = 'Give the full path, starting with /.';
    return p;
  }
  if (!/^s3:\/\/[^/\s]{3,}/i.test(v.url.trim())) p.url = 'Write it as s3://BUCKET or s3://BUCKET/PREFIX.';
  if (v.endpoint && !/^https?:\/\/\S+$/.test(v.endpoint.trim()))
    p.endpoint = 'Start it with https:// (or http:// for a store on your network).';
  if (!v.accessKeyId !== !v.secretAccessKey)
    p[v.accessKeyId ? 'secretAccessKey' : 'accessKeyId'] = 'Give both keys, or neither.';
  return p;
}

function input(kind: Kind, v: Values, plans: string[], pathStyle: boolean): MethodInput<'remoteAdd'> {
  const t = (k: Key) => v[k].trim() || undefined;
  if (kind === 'rclone')
    return { kind, name: v.name.trim(), plans, target: v.target.trim(), configFile: t('configFile') };
  return {
    kind,
    name: v.name.trim(),
    plans,
    url: v.url.trim(),
    endpoint: t('endpoint'),
    region: t('region'),
    pathStyle,
    storageClass: t('storageClass'),
    accessKeyId: t('accessKeyId'),
    secretAccessKey: v.secretAccessKey || undefined,
  };
}

/** The form; `onDone` gets what to tell (what the service found on the store) after the remote was added. */
export function RemoteForm(props: { plans: string[]; onDone(told: string): void; onCancel(): void }) {
  const id = useId();
  const [kind, setKind] = useState<Kind>('s3');
  const [v, setV] = useState<Values>(START);
  const [pathStyle, setPathStyle] = useState(false);
  const [plans, setPlans] = useState<string[]>(props.plans.slice(0, 1));
  const [shown, setShown] = useState<Set<Key>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const problems = remoteFormProblems(kind, v);
  const field = makeField({ id, values: v, setValues: setV, problems, shown, setShown });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (Object.keys(problems).length) return setShown(new Set(Object.keys(problems) as Key[]));
    setBusy(true);
    const r = await api().remoteAdd(input(kind, v, plans, pathStyle));
    setBusy(false);
    if (!r.ok) return setError(r.error.message);
    const reach = r.value.reach;
    props.onDone(
      `Added ${r.value.remote.name}. ` +
        (reach.reachable ? reach.message : `It is kept, but: ${reach.message}`),
    );
  };
  const togglePlan = (p: string, on: boolean) => setPlans(on ? [...plans, p] : plans.filter((x) => x !== p));
  return (
    <form className="card" aria-label="Add a remote" onSubmit={(e) => void submit(e)} noValidate>
      <fieldset>
        <legend>Kind</legend>
        <label>
          <input type="radio" name={`${id}-kind`} checked={kind === 's3'} onChange={() => setKind('s3')} />
          S3-compatible bucket
        </label>{' '}
        <label>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={kind === 'rclone'}
            onChange={() => setKind('rclone')}
          />
          rclone remote
        </label>
      </fieldset>
      {field('name', 'Name', { placeholder: 'offsite', hint: 'How Cairn and `cairn remote` call it.' })}
      {kind === 's3' ? (
        <>
          {field('url', 'Bucket URL', {
            placeholder: 's3://my-bucket/cairn',
            hint: 'Several computers may share a bucket, each under its own prefix.',
          })}
          {field('endpoint', 'Endpoint (empty for AWS)', {
            placeholder: 'https://s3.eu-central-003.backblazeb2.com',
          })}
          <div className="row">
            {field('region', 'Region', { placeholder: 'us-east-1' })}
            {field('storageClass', 'Storage class', { placeholder: 'STANDARD' })}
          </div>
          <label>
            <input type="checkbox" checked={pathStyle} onChange={(e) => setPathStyle(e.target.checked)} />
            Path-style addresses (MinIO, Ceph, Garage and most stores you run yourself)
          </label>
          <div className="row">
            {field('accessKeyId', 'Access key ID')}
            {field('secretAccessKey', 'Secret access key', { type: 'password' })}
          </div>
          <p className="muted">
            The keys are kept in the secret store, never in the catalog or a log. Leave both empty to use the
            AWS SDK&apos;s own (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or ~/.aws).
          </p>
        </>
      ) : (
        <>
          {field('target', 'rclone remote and path', {
            placeholder: 'nas:backups/cairn',
            hint: "A remote `rclone config` made; its credentials stay in rclone's config.",
          })}
          {field('configFile', 'rclone config file (optional)', {
            placeholder: '/home/me/.config/rclone/rclone.conf',
          })}
        </>
      )}
      <fieldset>
        <legend>Plans copied there</legend>
        {props.plans.map((p) => (
          <label key={p}>
            <input
              type="checkbox"
              checked={plans.includes(p)}
              onChange={(e) => togglePlan(p, e.target.checked)}
            />
            {p}
          </label>
        ))}
        <p className="muted">None: add it only to import from it (`cairn remote import`).</p>
      </fieldset>
      <FormEnd error={error} busy={busy} send="Add remote" onCancel={props.onCancel} />
    </form>
  );
}
