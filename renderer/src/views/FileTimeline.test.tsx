import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { setConnection } from '../client';
import { navigate, type Route } from '../route';
import { appStore } from '../store/store';
import { fakeApi } from '../testing/fakeApi';
import '../testing/setup';
import { FileTimeline } from './FileTimeline';

const S = ['2026-11-24_021000', '2026-11-23_021000', '2026-11-22_021000', '2026-11-21_021000'];
const TEXT: Record<string, string> = {
  [S[0]!]: 'alpha\nbeta two\ngamma\ndelta\n',
  [S[1]!]: 'alpha\nbeta\ngamma\n',
  [S[3]!]: 'alpha\n',
};
TEXT[S[2]!] = TEXT[S[1]!]!; // the middle version is held by two backups
const version = (stamps: string[], change: 'first' | 'changed' | 'same', text: string) => ({
  kind: 'file' as const,
  size: text.length,
  mtimeMs: new Date(`${stamps[0]!.slice(0, 10)}T01:00:00`).getTime(),
  sha256: String(text.length).repeat(64).slice(0, 64),
  target: null,
  change,
  absentBefore: 0,
  stamps,
});

function connect() {
  const f = fakeApi({
    fileTimeline: (i) => ({
      plan: i.plan,
      path: i.path,
      displayPath: i.path,
      versions: [
        version([S[0]!], 'changed', TEXT[S[0]!]!),
        version([S[1]!, S[2]!], 'changed', TEXT[S[1]!]!),
        version([S[3]!], 'first', TEXT[S[3]!]!),
      ],
      elapsedMs: 2,
    }),
    fileRead: (i) => ({
      ...i,
      file: `/backups/docs/${i.stamp}/${i.path}`,
      size: TEXT[i.stamp]!.length,
      type: 'text' as const,
      text: TEXT[i.stamp]!,
      base64: null,
      mime: null,
      truncated: false,
    }),
  });
  setConnection({
    api: f.api,
    desktop: null,
    subscribe: () => () => {},
    downloadUrl: (d) => `/api/download?plan=${d.plan}&stamp=${d.stamp}&path=${d.path}&token=t`,
  });
  return f;
}

/** Opens an address and waits until the store follows it (hashchange comes after). */
async function go(r: Route) {
  navigate(r);
  await waitFor(() => expect(appStore.getState().route).toEqual(r));
}

describe('FileTimeline', () => {
  it('lists the versions, previews the selected one, diffs it against another, and offers download and restore', async () => {
    connect();
    await go({ view: 'file', plan: 'docs', stamp: S[2]!, path: 'Documents/notes.txt' });
    render(<FileTimeline />);
    const list = await screen.findByRole('list', { name: 'Versions, newest first' });
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(3));
    expect(screen.getByText(/^3 versions in 4 backups of plan docs/)).toBeTruthy();
    // The address names a backup of the middle version: that one is selected.
    const current = within(list).getByRole('button', { current: true });
    expect(current.closest('li')!.textContent).toContain(
      'in 2 backups, 2026-11-22 02:10:00 to 2026-11-23 02:10:00',
    );
    expect(await screen.findByLabelText('Content of notes.txt')).toHaveProperty('textContent', TEXT[S[1]!]);
    // By default compared with the version before it: lines added, none removed.
    const diff = await screen.findByRole('list', { name: 'Differences' });
    expect(
      within(diff)
        .getAllByText('Added:')
        .map((e) => e.closest('li')!.textContent),
    ).toEqual(['+Added: beta', '+Added: gamma']);
    expect(screen.getByTestId('diff-summary').textContent).toBe('2 lines added, 0 lines removed.');
    // Against the newest (picked in the select, kept in the address): one line changed, one added.
    await userEvent.selectOptions(screen.getByLabelText(/Compare this version with/), '0');
    expect(appStore.getState().route.against).toBe(S[0]);
    await waitFor(() =>
      expect(screen.getByTestId('diff-summary').textContent).toBe('2 lines added, 1 line removed.'),
    );
    const removed = screen.getByText('Removed:').closest('li')!;
    expect(removed.textContent).toBe('−Removed: beta');
    const link = screen.getByRole('link', { name: 'Download' });
    expect(link.getAttribute('href')).toBe(
      `/api/download?plan=docs&stamp=${S[2]}&path=Documents/notes.txt&token=t`,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Restore this version…' }));
    expect(screen.getByRole('dialog').textContent).toContain(
      'Restore 1 selected item from 2026-11-22 02:10:00',
    );
  });

  it('selects another version by address, and shows the newest when the backup does not hold the file', async () => {
    connect();
    await go({ view: 'file', plan: 'docs', stamp: '2026-01-01_000000', path: 'Documents/notes.txt' });
    render(<FileTimeline />);
    await waitFor(() => expect(appStore.getState().route.stamp).toBe(S[0]));
    const list = await screen.findByRole('list', { name: 'Versions, newest first' });
    await userEvent.click(within(list).getAllByRole('button')[2]!);
    expect(appStore.getState().route).toEqual({
      view: 'file',
      plan: 'docs',
      stamp: S[3],
      path: 'Documents/notes.txt',
    });
    // The oldest is compared with the one after it.
    await waitFor(() =>
      expect(screen.getByTestId('diff-summary').textContent).toBe('2 lines added, 0 lines removed.'),
    );
    expect(await screen.findByLabelText('Content of notes.txt')).toHaveProperty('textContent', 'alpha\n');
  });
});
