import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { appStore } from '../store/store';
import { layOut, useFakeService } from '../testing/setup';
import { sampleBackups, sampleEntry, samplePlan } from '../testing/samples';
import { Browse } from './Browse';
import { backupLabel } from '../format';

beforeAll(layOut);

const TOTAL = 100_000;
const name = (i: number) => `file-${String(i).padStart(6, '0')}.txt`;

describe('Browse', () => {
  it('opens a folder of 100,000 entries page by page and renders only a window of them', async () => {
    const f = useFakeService({
      backupList: () => ({ backups: sampleBackups(2), total: 2 }),
      folderList: (i) => {
        if (i.path === '') {
          return {
            path: '',
            entries: [sampleEntry('Documents')],
            total: 1,
            offset: 0,
            nextOffset: null,
          };
        }
        const offset = i.offset ?? 0;
        const n = Math.min(i.limit ?? 1000, TOTAL - offset);
        return {
          path: i.path,
          entries: Array.from({ length: n }, (_, k) =>
            sampleEntry(`${i.path}/${name(offset + k)}`, {
              kind: 'file',
              size: 100,
              mode: 0o644,
              sha256: 'a'.repeat(64),
            }),
          ),
          total: TOTAL,
          offset,
          nextOffset: offset + n < TOTAL ? offset + n : null,
        };
      },
    });
    appStore.getState().setPlans([samplePlan()]);
    render(<Browse />);
    await userEvent.click(await screen.findByRole('button', { name: 'Documents/' }));
    expect(await screen.findByText('100,000 entries')).toBeTruthy();
    const list = screen.getByRole('list', { name: 'Folder content' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.length).toBeLessThan(100);
    const pages = () =>
      f.calls.filter((c) => c.method === 'folderList' && (c.input as { path: string }).path === 'Documents');
    expect(pages()).toHaveLength(1);
    // Scrolling near the end of what is loaded asks for the next page, not for all 100,000 at once.
    list.scrollTop = 1990 * 34;
    fireEvent.scroll(list);
    await waitFor(() => expect(pages()).toHaveLength(2));
    await userEvent.click(within(list).getAllByRole('checkbox')[0]!);
    expect(screen.getByRole('button', { name: /Restore 1 selected/ })).toBeTruthy();
  });

  it('finds a name across backups and selects a version to restore', async () => {
    useFakeService({
      backupList: () => ({ backups: sampleBackups(3), total: 3 }),
      folderList: (i) => ({ path: i.path, entries: [], total: 0, offset: 0, nextOffset: null }),
      search: () => ({
        results: [
          {
            planName: 'docs',
            path: 'Documents/report.odt',
            displayPath: 'Documents/report.odt',
            versions: [
              {
                kind: 'file',
                size: 2048,
                mtimeMs: 0,
                sha256: 'b'.repeat(64),
                firstStamp: '2026-11-21_021000',
                lastStamp: '2026-11-22_021000',
                backups: 2,
              },
            ],
          },
        ],
        truncated: false,
        elapsedMs: 4,
      }),
    });
    appStore.getState().setPlans([samplePlan()]);
    render(<Browse />);
    await userEvent.type(await screen.findByLabelText('Find a file in every backup'), 'report');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    expect(
      await screen.findByText(/in 2 backups from 2026-11-21 02:10:00 to 2026-11-22 02:10:00/),
    ).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Select this version' }));
    expect(screen.getByRole('button', { name: /Restore 1 selected/ })).toBeTruthy();
    expect((screen.getByLabelText('Backup') as HTMLSelectElement).value).toBe('2026-11-22_021000');
  });

  it('opens on the latest regular backup, labels backups of one minute to the second, and says "1 entry"', async () => {
    const [safety, regular, older] = sampleBackups(3);
    // A restore in place at 02:10:30 made a safety copy in the same minute as the regular backup.
    const list = [
      {
        ...safety!,
        stamp: '2026-11-23_021030',
        startedAt: regular!.startedAt + 30_000,
        safety: true,
        pinned: true,
      },
      { ...regular!, stamp: '2026-11-23_021000' },
      older!,
    ];
    const f = useFakeService({
      backupList: () => ({ backups: list, total: 3 }),
      folderList: (i) => ({
        path: i.path,
        entries: [
          {
            name: 'a.txt',
            display: 'a.txt',
            path: 'a.txt',
            kind: 'file',
            size: 5,
            mtimeMs: 0,
            mode: 0o644,
            sha256: 'c'.repeat(64),
            target: null,
            displayTarget: null,
          },
        ],
        total: 1,
        offset: 0,
        nextOffset: null,
      }),
    });
    appStore.getState().setPlans([samplePlan()]);
    render(<Browse />);
    expect(await screen.findByText('1 entry')).toBeTruthy();
    const picker = screen.getByLabelText('Backup') as HTMLSelectElement;
    expect(picker.value).toBe('2026-11-23_021000');
    const labels = [...picker.options].map((o) => o.text.split(' · ')[0]);
    expect(labels).toEqual([
      backupLabel(list[0]!, list),
      backupLabel(list[1]!, list),
      backupLabel(list[2]!, list),
    ]);
    expect(labels[0]).toMatch(/:\d\d:30$/);
    expect(labels[2]).toMatch(/ \d\d:\d\d$/);
    expect(f.calls.find((c) => c.method === 'folderList')!.input).toMatchObject({
      stamp: '2026-11-23_021000',
    });
  });
});
