// One version of the file timeline: its preview, download (serve) or show in folder (app), restore; and
// the comparison of the selected version with another one.
import { useState } from 'react';
import type { z } from 'zod';
import type { TimelineVersion } from '../../../shared/contract';
import { api, desktop, fileDownloadUrl } from '../client';
import { counted, stampText } from '../format';
import { navigate } from '../route';
import { useCall } from '../useCall';
import { FilePreview } from './FilePreview';
import { RestoreDialog } from './RestoreDialog';
import { TextDiff } from './TextDiff';
import { ErrorLine } from '../components/ErrorLine';

export type Version = z.output<typeof TimelineVersion>;

/** "in the backup of 2026-11-23 02:10:00" or "in 3 backups, 2026-11-21 … to 2026-11-23 …". */
export function heldText(v: Version): string {
  const newest = v.stamps[0]!;
  const oldest = v.stamps[v.stamps.length - 1]!;
  return v.stamps.length === 1
    ? `in the backup of ${stampText(newest)}`
    : `in ${counted(v.stamps.length, 'backup')}, ${stampText(oldest)} to ${stampText(newest)}`;
}

/** fileRead of a file version (nothing for a folder or a link). */
function useContent(plan: string, stamp: string | null, path: string, maxBytes?: number) {
  return useCall(stamp === null ? null : `${plan}\n${stamp}\n${path}\n${maxBytes ?? ''}`, () =>
    api().fileRead({ plan, stamp: stamp!, path, maxBytes }),
  );
}

function ShowInFolder({ file }: { file: string }) {
  const [message, setMessage] = useState<string | null>(null);
  const d = desktop();
  if (!d) return <span className="path">{file}</span>;
  const show = async () => {
    const r = await d.showPath({ path: file });
    setMessage(r.ok ? r.value.message : r.error.message);
  };
  return (
    <>
      <button type="button" onClick={() => void show()}>
        Show in folder
      </button>
      {message && <span role="status">{message}</span>}
    </>
  );
}

/** The selected version: what it is, its actions and its preview. */
export function VersionPanel(o: { plan: string; stamp: string; path: string; version: Version }) {
  const { plan, stamp, path, version } = o;
  const [restoring, setRestoring] = useState(false);
  const c = useContent(plan, version.kind === 'file' ? stamp : null, path);
  const name = path.slice(path.lastIndexOf('/') + 1);
  const url = fileDownloadUrl({ plan, stamp, path });
  return (
    <section className="card" aria-labelledby="version-title">
      <h2 id="version-title">The version in the backup of {stampText(stamp)}</h2>
      {version.stamps.length > 1 && <p className="muted">The same version is kept {heldText(version)}.</p>}
      <div className="row">
        <button type="button" className="primary" onClick={() => setRestoring(true)}>
          Restore this version…
        </button>
        {url && (
          <a className="button" href={url} download={name}>
            Download
          </a>
        )}
        {c.value && <ShowInFolder file={c.value.file} />}
      </div>
      <ErrorLine text={c.error} />
      {version.kind === 'symlink' && <p>A link to {version.target}</p>}
      {c.value && <FilePreview c={c.value} name={name} />}
      {restoring && (
        <RestoreDialog plan={plan} stamp={stamp} paths={[path]} onClose={() => setRestoring(false)} />
      )}
    </section>
  );
}

const DIFF_BYTES = 1 << 20;

function optionText(v: Version): string {
  return `${stampText(v.stamps[v.stamps.length - 1]!)}${v.stamps.length > 1 ? ` (${v.stamps.length} backups)` : ''}`;
}

/** The selected version against another one (`against`, by default the one before it). */
export function CompareVersions(o: {
  plan: string;
  /** The selected backup (one of the selected version's). */
  stamp: string;
  path: string;
  versions: Version[];
  sel: number;
  against?: string;
}) {
  const { plan, stamp, path, versions, sel } = o;
  const picked = o.against === undefined ? -1 : versions.findIndex((v) => v.stamps.includes(o.against!));
  // By default the version before it, or for the oldest the one after it.
  const other = picked >= 0 && picked !== sel ? picked : sel + 1 < versions.length ? sel + 1 : sel - 1;
  const files = versions[sel]!.kind === 'file' && versions[other]?.kind === 'file';
  // Older first: a diff reads from the older version to the newer.
  const [older, newer] = other > sel ? [versions[other], versions[sel]] : [versions[sel], versions[other]];
  const a = useContent(plan, files ? older!.stamps[0]! : null, path, DIFF_BYTES);
  const b = useContent(plan, files ? newer!.stamps[0]! : null, path, DIFF_BYTES);
  if (versions.length < 2) return null;
  return (
    <section className="card" aria-labelledby="compare-title">
      <h2 id="compare-title">Compare two versions</h2>
      <label>
        Compare this version with the one kept from
        <select
          value={other}
          onChange={(e) =>
            navigate({
              view: 'file',
              plan,
              stamp,
              path,
              against: versions[Number(e.target.value)]!.stamps[0],
            })
          }
        >
          {versions.map((v, i) =>
            i === sel ? null : (
              <option key={i} value={i}>
                {optionText(v)}
              </option>
            ),
          )}
        </select>
      </label>
      {older && newer && (
        <p className="muted">
          From the version kept from {optionText(older)} to the one kept from {optionText(newer)}:
        </p>
      )}
      {!files ? (
        <p className="muted">Only two versions of a file can be compared.</p>
      ) : older!.sha256 === newer!.sha256 ? (
        <p role="status">The two versions have the same content.</p>
      ) : (a.error ?? b.error) ? (
        <p role="alert" className="error">
          {a.error ?? b.error}
        </p>
      ) : a.value && b.value ? (
        a.value.type === 'text' && b.value.type === 'text' ? (
          <TextDiff older={a.value} newer={b.value} />
        ) : (
          <p className="muted">These versions differ; only text can be compared line by line.</p>
        )
      ) : (
        <p className="muted">Loading…</p>
      )}
    </section>
  );
}
