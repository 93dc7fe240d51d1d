import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { MethodInput } from '../../../shared/contract';
import { setConnection } from '../client';
import { fakeApi } from '../testing/fakeApi';
import { useFakeService } from '../testing/setup';
import { FolderField } from './FolderField';

/** A small file system of folders: what the service's folderBrowse would list. */
const TREE: Record<string, string[]> = {
  '/': ['home', 'media'],
  '/home': ['ana'],
  '/home/ana': ['Documents', 'Pictures', '.config'],
  '/home/ana/Documents': [],
};

function browse(i: MethodInput<'folderBrowse'>) {
  const at = i.path ?? '/home/ana';
  const names = TREE[at];
  if (!names)
    return { ok: false as const, error: { code: 'not-found', message: `The folder ${at} is not there.` } };
  const parent = at === '/' ? null : at.slice(0, at.lastIndexOf('/')) || '/';
  return {
    path: at,
    parent,
    home: '/home/ana',
    roots: ['/'],
    folders: names
      .filter((n) => i.hidden || !n.startsWith('.'))
      .map((n) => ({ name: n, path: `${at === '/' ? '' : at}/${n}` })),
    truncated: false,
  };
}

function Field() {
  const [v, setV] = useState('');
  return <FolderField label="Folder to back up" value={v} onChange={setV} purpose="source" />;
}

describe('FolderField under cairn serve: the folder browser', () => {
  it('browses by clicks (folders only, up, hidden on request) and fills the field; focus returns to Choose…', async () => {
    const f = useFakeService({ folderBrowse: browse });
    render(<Field />);
    const choose = screen.getByRole('button', { name: 'Choose…' });
    await userEvent.click(choose);
    const dialog = await screen.findByRole('dialog', { name: 'Folder to back up' });
    const list = await within(dialog).findByRole('list', { name: 'Folders in /home/ana' });
    expect(
      within(list)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Documents', 'Pictures']);
    await userEvent.click(within(dialog).getByLabelText('Show hidden folders'));
    expect(await within(dialog).findByRole('button', { name: '.config' })).toBeTruthy();
    await userEvent.click(within(dialog).getByRole('button', { name: '↑ Up' }));
    await within(dialog).findByRole('list', { name: 'Folders in /home' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'ana' }));
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Documents' }));
    expect(await within(dialog).findByText('No folders in here.')).toBeTruthy();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Choose this folder' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect((screen.getByLabelText('Folder to back up') as HTMLInputElement).value).toBe(
      '/home/ana/Documents',
    );
    expect(document.activeElement).toBe(choose);
    expect(f.calls.map((c) => c.input)).toContainEqual({ path: '/home/ana', hidden: true });
  });

  it('starts at the typed folder; a folder that is not there is said and the home folder shown; Escape closes', async () => {
    useFakeService({ folderBrowse: browse });
    render(<Field />);
    await userEvent.type(screen.getByLabelText('Folder to back up'), '/media/usb/new');
    const choose = screen.getByRole('button', { name: 'Choose…' });
    await userEvent.click(choose);
    const dialog = await screen.findByRole('dialog');
    expect((await within(dialog).findByRole('alert')).textContent).toBe(
      'The folder /media/usb/new is not there.',
    );
    expect(within(dialog).getByTestId('browse-path').textContent).toBe('/home/ana');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(choose);
    expect((screen.getByLabelText('Folder to back up') as HTMLInputElement).value).toBe('/media/usb/new');
  });

  it('works from the keyboard: Enter opens it, Tab stays inside, Enter opens a folder and chooses', async () => {
    useFakeService({ folderBrowse: browse });
    render(<Field />);
    const choose = screen.getByRole('button', { name: 'Choose…' });
    choose.focus();
    await userEvent.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog');
    const first = await within(dialog).findByRole('button', { name: 'Documents' });
    await waitFor(() => expect(document.activeElement).toBe(first));
    within(dialog).getByRole('button', { name: 'Cancel' }).focus();
    await userEvent.tab();
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: '↑ Up' }));
    await userEvent.tab({ shift: true });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    first.focus();
    await userEvent.keyboard('{Enter}');
    await within(dialog).findByText('No folders in here.');
    await waitFor(() =>
      expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Choose this folder' })),
    );
    await userEvent.keyboard('{Enter}');
    expect((screen.getByLabelText('Folder to back up') as HTMLInputElement).value).toBe(
      '/home/ana/Documents',
    );
    expect(document.activeElement).toBe(choose);
  });

  it('uses the native picker in the app', async () => {
    const f = fakeApi({});
    const picked: unknown[] = [];
    setConnection({
      api: f.api,
      subscribe: () => () => {},
      desktop: {
        pickFolder: (i) => {
          picked.push(i);
          return Promise.resolve({ ok: true, value: { path: '/home/ana/Pictures' } });
        },
        showPath: () => Promise.resolve({ ok: true, value: { shown: true, message: null } }),
        onNavigate: () => () => {},
      },
    });
    render(<Field />);
    await userEvent.click(screen.getByRole('button', { name: 'Choose…' }));
    expect((screen.getByLabelText('Folder to back up') as HTMLInputElement).value).toBe('/home/ana/Pictures');
    expect(picked).toEqual([{ purpose: 'source', title: 'Folder to back up' }]);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(f.calls).toEqual([]);
  });
});
