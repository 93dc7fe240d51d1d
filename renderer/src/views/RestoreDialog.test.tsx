import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RestoreInput } from '../../../shared/contract';
import type { z } from 'zod';
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
