import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MethodInput, MethodOutput } from '../../../shared/contract';
import { bytes } from '../format';
import { navigate } from '../route';
import { appStore } from '../store/store';
import { layOut, useFakeService } from '../testing/setup';
import { sampleBackups, samplePlan } from '../testing/samples';
import { Changes } from './Changes';

beforeAll(layOut);

type Out = MethodOutput<'backupChanges'>;
type Entry = Out['entries'][number];
const NEWER = '2026-11-23_021000';
const BEFORE = '2026-11-22_021000';

function file(name: string, change: Entry['change'], before: number | null, after: number | null): Entry {
  const side = (size: number | null) => (size === null ? null : { kind: 'file' as const, size });
  return {
    name,
    display: name,
    path: `Documents/${name}`,
    kind: 'file',
    change,
    before: side(before),
    after: side(after),
    below: null,
  };
}

/** A service whose answer depends on the folder, the filter and the backup compared with. */
function answer(i: MethodInput<'backupChanges'>): Out {
  const inside = [
    file('a.txt', 'changed', 1024, 2048),
    file('new.txt', 'added', null, 512),
    file('old.txt', 'removed', 300, null),
  ];
  const tally = (k: Entry['change']) => {
    const hit = inside.filter((e) => e.change === k);
    return { count: hit.length, bytes: hit.reduce((n, e) => n + (e.after ?? e.before)!.size, 0) };
  };
  const below = { added: tally('added'), changed: tally('changed'), removed: tally('removed') };
  const all: Entry[] =
    i.path === 'Documents'
      ? inside
      : [
          {
            name: 'Documents',
            display: 'Documents',
            path: 'Documents',
            kind: 'dir',
            change: null,
            before: null,
            after: null,
            below,
          },
        ];
  const entries = all.filter((e) => !i.change || e.change === i.change || e.below);
  const side = (stamp: string) => ({ stamp, startedAt: 0, files: 10, bytes: 5000 });
  return {
    newer: side(i.stamp),
    older: side(i.against ?? BEFORE),
    summary: below,
    path: i.path ?? '',
    entries,
    total: entries.length,
    offset: 0,
    nextOffset: null,
    elapsedMs: 3,
  };
}

describe('Changes', () => {
  it('shows the summary and the tree by address, links files to their timeline, filters and compares', async () => {
    const f = useFakeService({
      backupList: () => ({ backups: sampleBackups(5), total: 5 }),
      backupChanges: answer,
    });
    appStore.getState().setPlans([samplePlan()]);
    navigate({ view: 'changes', plan: 'docs', stamp: NEWER });
    render(<Changes />);
    expect((await screen.findByTestId('changes-summary')).textContent).toBe(
      `From 2026-11-22 02:10:00 to 2026-11-23 02:10:00: 1 file added (${bytes(512)}) · 1 file changed (${bytes(2048)}) · 1 file removed (${bytes(300)})`,
    );
    const top = screen.getByRole('link', { name: 'Documents/' });
    expect(top.getAttribute('href')).toBe(`#/changes/docs/${NEWER}/Documents`);
    expect(screen.getByText('1 added · 1 changed · 1 removed')).toBeTruthy();

    await userEvent.click(top);
    const list = await screen.findByRole('list', { name: 'Changes' });
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(3));
    expect(appStore.getState().route.path).toBe('Documents');
    expect(screen.getByRole('link', { name: 'a.txt' }).getAttribute('href')).toBe(
      `#/file/docs/${NEWER}/Documents/a.txt`,
    );
    expect(screen.getByText(`${bytes(1024)} → ${bytes(2048)}`)).toBeTruthy();
    // A removed file is in the older backup only: its timeline opens there.
    expect(screen.getByRole('link', { name: 'old.txt' }).getAttribute('href')).toBe(
      `#/file/docs/${BEFORE}/Documents/old.txt`,
    );

    await userEvent.selectOptions(screen.getByLabelText('Show'), 'removed');
    await waitFor(() =>
      expect(within(screen.getByRole('list', { name: 'Changes' })).getAllByRole('listitem')).toHaveLength(1),
    );
    expect(f.calls.at(-1)!.input).toMatchObject({ path: 'Documents', change: 'removed' });
    await userEvent.type(screen.getByLabelText('Name contains'), 'old');
    await waitFor(() => expect(f.calls.at(-1)!.input).toMatchObject({ change: 'removed', query: 'old' }));

    await userEvent.selectOptions(screen.getByLabelText('Compared with'), '2026-11-20_021000');
    expect(window.location.hash).toBe(`#/changes/docs/${NEWER}/Documents?against=2026-11-20_021000`);
    await waitFor(() =>
      expect(screen.getByTestId('changes-summary').textContent).toMatch(/^From 2026-11-20 02:10:00 to/),
    );
    expect(f.calls.at(-1)!.input).toMatchObject({ against: '2026-11-20_021000', path: 'Documents' });
  });
});
