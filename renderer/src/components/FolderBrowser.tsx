// The folder picker under `cairn serve` (the app uses the native dialog): the folders of one folder, served
// by the service (folderBrowse), with Up, Home, the roots and hidden folders on request.
import { useEffect, useId, useRef, useState } from 'react';
import type { z } from 'zod';
import type { FolderBrowseResult } from '../../../shared/contract';
import { api } from '../client';
import { counted } from '../format';
import { Dialog } from './Dialog';
import { ErrorLine } from './ErrorLine';

type Listing = z.output<typeof FolderBrowseResult>;

const isAbsolute = (p: string) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);

/** A dialog to choose a folder; starts at `start` when it is a folder that exists, else at the home folder. */
export function FolderBrowser(props: {
  title: string;
  start: string;
  onPick(path: string): void;
  onClose(): void;
}) {
  const titleId = useId();
  const box = useRef<HTMLDivElement>(null);
  const [listing, setListing] = useState<Listing | null>(null);
  const [hidden, setHidden] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // In another folder the button clicked is gone with the old list: focus goes to the first folder (or
  // "Choose"). Showing hidden folders or not keeps the folder, and the focus on the checkbox.
  const at = listing?.path;
  useEffect(() => {
    if (at) box.current?.querySelector<HTMLElement>('.folder-list button, [data-choose]')?.focus();
  }, [at]);
  const open = async (path: string | undefined, showHidden = hidden) => {
    const r = await api().folderBrowse({ path, hidden: showHidden });
    if (!r.ok) return setError(r.error.message);
    setError(null);
    setListing(r.value);
  };
  useEffect(() => {
    const start = props.start.trim();
    void (async () => {
      const r = await api().folderBrowse({ path: isAbsolute(start) ? start : undefined });
      if (r.ok) return setListing(r.value);
      setError(r.error.message);
      const home = await api().folderBrowse({});
      if (home.ok) setListing(home.value);
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the first listing only
  }, []);
  const l = listing;
  return (
    <Dialog
      box={box}
      labelledBy={titleId}
      onEscape={props.onClose}
      className="folder-browser"
      backdropClassName="folder-browser-backdrop"
    >
      <h2 id={titleId}>{props.title}</h2>
      <p>
        <span className="muted">In </span>
        <span className="path" data-testid="browse-path">
          {l?.path ?? '…'}
        </span>
      </p>
      <div className="row folder-places">
        <button type="button" disabled={!l?.parent} onClick={() => void open(l!.parent!)}>
          ↑ Up
        </button>
        <button type="button" disabled={!l} onClick={() => void open(l!.home)}>
          Home
        </button>
        {l?.roots.map((r) => (
          <button key={r} type="button" onClick={() => void open(r)} aria-label={`The root folder ${r}`}>
            {r}
          </button>
        ))}
        <label>
          <input
            type="checkbox"
            checked={hidden}
            onChange={(e) => {
              setHidden(e.target.checked);
              if (l) void open(l.path, e.target.checked);
            }}
          />
          Show hidden folders
        </label>
      </div>
      {l &&
        (l.folders.length === 0 ? (
          <p className="muted">No folders in here.</p>
        ) : (
          <ul className="folder-list" aria-label={`Folders in ${l.path}`}>
            {l.folders.map((f) => (
              <li key={f.path}>
                <button type="button" className="link" onClick={() => void open(f.path)}>
                  {f.name}
                </button>
              </li>
            ))}
          </ul>
        ))}
      {l?.truncated && (
        <p className="muted">The first {counted(l.folders.length, 'folder')} by name are listed.</p>
      )}
      <ErrorLine text={error} />
      <div className="row">
        <button
          type="button"
          className="primary"
          data-choose
          disabled={!l}
          onClick={() => {
            props.onPick(l!.path);
            props.onClose();
          }}
        >
          Choose this folder
        </button>
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
