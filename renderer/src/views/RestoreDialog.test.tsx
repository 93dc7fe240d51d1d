import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RestoreInput } from '../../../shared/contract';
import type { z } from 'zod';
import { setConnection } from '../client';
import { sampleBackups, sampleEntry } from '../testing/samples';
import { useFakeService } from '../testing/setup';
import { RestoreDialog } from './RestoreDialog';

function summary(o: { dryRun: boolean; overwritten?: number; safety?: string }) {
  return {
    dryRun: o.dryRun,
    files: 2,
    bytes: 2048,
    written: o.dryRun ? 0 : 2,
    overwritten: o.overwritten ?? 0,
    keptBoth: 0,
    skipped: 0,
    verified: o.dryRun ? 0 : 2,
    keptFolders: [],
    failed: [],
    safetyBackup: o.safety
      ? { planName: 'docs', stamp: o.safety, pinnedUntil: new Date(2026, 11, 7, 15, 1).getTime() }
      : null,
    items: null,
    itemsTruncated: false,
  };
}

describe('RestoreDialog', () => {
  it('restores in place after a dry run, explains the safety copy, and undoes it once, naming kept files', async () => {
    const inputs: z.input<typeof RestoreInput>[] = [];
    const undos: unknown[] = [];
    let finishUndo: () => void = () => {};
    useFakeService({
      restoreUndo: async (i) => {
        undos.push(i);
        await new Promise<void>((r) => (finishUndo = r));
        return {
          restored: 'docs/2026-11-23_021000',
          safetyBackup: { planName: 'docs', stamp: '2026-11-23_150102' },
          reverted: 1,
          alreadyBefore: 0,
          kept: [{ path: 'Documents/sub/b.txt', reason: 'changed since the restore' }],
          failed: [],
          released: true,
        };
      },
      restore: (i) => {
        inputs.push(i);
        return summary({
          dryRun: i.dryRun,
          overwritten: 1,
          safety: i.dryRun ? undefined : '2026-11-23_150102',
        });
      },
    });
    render(
      <RestoreDialog
        plan="docs"
        stamp="2026-11-23_021000"
        paths={['Documents/a.txt', 'Documents/sub']}
        onClose={() => {}}
      />,
    );
    expect(
      screen.getByRole('dialog', { name: /Restore 2 selected items from 2026-11-23 02:10:00/ }),
    ).toBeTruthy();
    await userEvent.click(screen.getByLabelText('The original location'));
    expect(screen.getByText(/pinned "before restore" backup/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Check what would happen' }));
    expect(await screen.findByText('1 existing file would be replaced')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Restore now' }));
    expect(await screen.findByText('Restored.')).toBeTruthy();
    expect(
      screen.getByText(/kept in the backup 2026-11-23 15:01:02, pinned until 2026-12-07 15:01 \(14 days\)/),
    ).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Undo this restore' }));
    const busy = screen.getByRole('button', { name: 'Undoing…' });
    expect(busy).toHaveProperty('disabled', true);
    expect(screen.getByRole('button', { name: 'Close' })).toHaveProperty('disabled', true);
    await userEvent.click(busy);
    finishUndo();
    expect(
      await screen.findByText(/^Partly undone: 1 path put back as before the restore, 1 left as it is/),
    ).toBeTruthy();
    expect(screen.getByText('Documents/sub/b.txt: changed since the restore')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Restore undone' })).toHaveProperty('disabled', true);
    expect(undos).toEqual([{ plan: 'docs', safetyStamp: '2026-11-23_150102' }]);
    expect(inputs.map((i) => [i.stamp, i.target.mode, i.dryRun])).toEqual([
      ['2026-11-23_021000', 'in-place', true],
      ['2026-11-23_021000', 'in-place', false],
    ]);
    expect(inputs[0]!.paths).toEqual(['Documents/a.txt', 'Documents/sub']);
  });

  it('needs a folder for "another folder" and shows the service refusal', async () => {
    useFakeService({
      restore: () => ({
        ok: false,
        error: { code: 'dest-overlap', message: 'Choose a folder outside the backup folder.' },
      }),
    });
    render(
      <RestoreDialog plan="docs" stamp="2026-11-23_021000" paths={['Documents/a.txt']} onClose={() => {}} />,
    );
    const check = screen.getByRole('button', { name: 'Check what would happen' });
    expect(check).toHaveProperty('disabled', true);
    await userEvent.type(screen.getByLabelText('Restore into'), '/backups/docs');
    await userEvent.click(check);
    expect((await screen.findByRole('alert')).textContent).toBe('Choose a folder outside the backup folder.');
  });
});

describe('RestoreDialog keyboard', () => {
  it('starts on the first choice and closes with Escape', async () => {
    useFakeService({});
    let closed = false;
    render(
      <RestoreDialog plan="docs" stamp="2026-11-23_021000" paths={[]} onClose={() => (closed = true)} />,
    );
    expect(document.activeElement).toBe(screen.getByLabelText('Another folder'));
    expect(screen.getByRole('dialog', { name: /Restore the whole backup/ })).toBeTruthy();
    await userEvent.keyboard('{Escape}');
    expect(closed).toBe(true);
  });
});

describe('RestoreDialog: where it lands', () => {
  const detail = () => ({
    backup: sampleBackups(1)[0]!,
    sources: [
      { label: 'Documents', path: '/home/ana/Documents' },
      { label: 'Pictures', path: '/home/ana/Pictures' },
    ],
    folder: '/backups/docs/2026-11-23_021000',
    warnings: [],
  });

  it('shows the path each selection lands at, in another folder and in place, and the folder after', async () => {
    useFakeService({ backupGet: detail, restore: (i) => summary({ dryRun: i.dryRun }) });
    render(
      <RestoreDialog
        plan="docs"
        stamp="2026-11-23_021000"
        paths={['Documents/taxes/2025.pdf', 'Pictures']}
        onClose={() => {}}
      />,
    );
    expect(screen.queryByTestId('restore-landing')).toBeNull();
    await userEvent.type(screen.getByLabelText('Restore into'), '/home/ana/restored/');
    const lines = () => screen.getAllByRole('listitem').filter((li) => li.closest('.landing'));
    expect(lines().map((li) => li.textContent)).toEqual([
      'Documents/taxes/2025.pdf → /home/ana/restored/Documents/taxes/2025.pdf',
      'Pictures → /home/ana/restored/Pictures',
    ]);
    await userEvent.click(screen.getByLabelText('The original location'));
    expect(lines().map((li) => li.textContent)).toEqual([
      'Documents/taxes/2025.pdf → /home/ana/Documents/taxes/2025.pdf',
      'Pictures → /home/ana/Pictures',
    ]);
    await userEvent.click(screen.getByLabelText('Another folder'));
    await userEvent.click(screen.getByRole('button', { name: 'Check what would happen' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Restore now' }));
    expect(await screen.findByText('Where the files are')).toBeTruthy();
    // Under cairn serve: the folder as text to copy (no file manager to open).
    expect(screen.getByText('/home/ana/restored').className).toBe('path selectable');
    expect(screen.queryByRole('button', { name: /Open folder/ })).toBeNull();
  });

  it('for the whole backup, each top folder (a database dump too); in place only the folder sources', async () => {
    useFakeService({
      backupGet: detail,
      folderList: () => ({
        path: '',
        entries: [sampleEntry('Documents'), sampleEntry('Pictures'), sampleEntry('shop')],
        total: 3,
        offset: 0,
        nextOffset: null,
      }),
    });
    render(<RestoreDialog plan="docs" stamp="2026-11-23_021000" paths={[]} onClose={() => {}} />);
    await userEvent.type(screen.getByLabelText('Restore into'), '/r');
    const landing = await screen.findByTestId('restore-landing');
    expect(landing.textContent).toBe('Documents → /r/DocumentsPictures → /r/Picturesshop → /r/shop');
    await userEvent.click(screen.getByLabelText('The original location'));
    expect(screen.getByTestId('restore-landing').textContent).toBe(
      'Documents → /home/ana/DocumentsPictures → /home/ana/Pictures',
    );
  });

  it('in the app, "Open folder" shows the restored folder in the file manager', async () => {
    const f = useFakeService({ backupGet: detail, restore: (i) => summary({ dryRun: i.dryRun }) });
    const shown: unknown[] = [];
    setConnection({
      api: f.api,
      subscribe: () => () => {},
      desktop: {
        pickFolder: () => Promise.resolve({ ok: true, value: { path: null } }),
        showPath: (i) => {
          shown.push(i);
          return Promise.resolve({ ok: true, value: { shown: true, message: null } });
        },
        onNavigate: () => () => {},
      },
    });
    render(<RestoreDialog plan="docs" stamp="2026-11-23_021000" paths={['Pictures']} onClose={() => {}} />);
    await userEvent.click(screen.getByLabelText('The original location'));
    await userEvent.click(screen.getByRole('button', { name: 'Check what would happen' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Restore now' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Open folder' }));
    expect(shown).toEqual([{ path: '/home/ana/Pictures' }]);
  });
});
