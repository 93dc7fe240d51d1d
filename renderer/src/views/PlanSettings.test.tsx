import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { dateTime } from '../format';
import { useFakeService } from '../testing/setup';
import { samplePlan } from '../testing/samples';
import { PlanSettings } from './PlanSettings';

const HOUR = 3_600_000;
const describeSchedule = () => ({ valid: true, text: 'At 02:00 AM', timezone: 'UTC', nextRuns: [] });

function dump(at: number, ok: boolean, bytes: number | null, message: string | null = null) {
  return {
    stamp: '2026-11-23_021000',
    at,
    ok,
    file: ok ? 'shop/shop.dump' : null,
    bytes,
    durationMs: 900,
    message,
  };
}

describe('PlanSettings databases', () => {
  it('shows each database with its size, last dump and last test restore in words', async () => {
    const now = Date.now();
    const tested = now - 20 * HOUR;
    const f = useFakeService({
      scheduleDescribe: describeSchedule,
      dbSourceList: (i) => [
        {
          id: 1,
          planId: 1,
          label: 'shop',
          kind: 'postgres',
          location: 'postgresql://app@127.0.0.1:5432/shop',
          format: 'custom',
          createdAt: now - 100 * HOUR,
          lastDump: dump(now - 2 * HOUR, true, 3 * 1024 * 1024),
          lastGoodDump: dump(now - 2 * HOUR, true, 3 * 1024 * 1024),
          lastRestoreTest: {
            stamp: '2026-11-22_021000',
            at: tested,
            ok: true,
            detail: '12 tables',
            durationMs: 4000,
          },
        },
        {
          id: 2,
          planId: 1,
          label: 'notes',
          kind: 'sqlite',
          location: `/home/u/${i.plan}/notes.sqlite`,
          format: 'backup',
          createdAt: now - 100 * HOUR,
          lastDump: dump(now - 2 * HOUR, false, null, 'The SQLite database is locked.'),
          lastGoodDump: dump(now - 26 * HOUR, true, 1536),
          lastRestoreTest: null,
        },
        {
          id: 3,
          planId: 1,
          label: 'old',
          kind: 'sqlite',
          location: '/home/u/old.db',
          format: 'vacuum',
          createdAt: now - 100 * HOUR,
          lastDump: dump(now - 50 * HOUR, true, 2048),
          lastGoodDump: dump(now - 50 * HOUR, true, 2048),
          lastRestoreTest: {
            stamp: '2026-11-21_021000',
            at: tested,
            ok: false,
            detail: 'integrity_check: page 3 is corrupt',
            durationMs: 10,
          },
        },
      ],
    });
    render(<PlanSettings plan={samplePlan()} />);
    const list = await screen.findByRole('list', { name: 'Databases of docs' });
    const [shop, notes, old] = within(list).getAllByRole('listitem');
    expect(shop!.textContent).toContain('shop (PostgreSQL) postgresql://app@127.0.0.1:5432/shop');
    expect(shop!.textContent).toContain('Size3.0 MB');
    expect(shop!.textContent).toContain('2 hours ago');
    expect(within(shop!).getByText(`test restore passed on ${dateTime(tested)}`).className).toBe(
      'status-complete',
    );
    expect(notes!.textContent).toContain('notes (SQLite) /home/u/docs/notes.sqlite');
    expect(notes!.textContent).toContain('Size1.5 KB');
    expect(
      within(notes!).getByText(/^failed .*The SQLite database is locked\.; last good dump .*1 day ago$/)
        .className,
    ).toBe('status-failed');
    expect(within(notes!).getByText('never tested')).toBeTruthy();
    expect(
      within(old!).getByText(`test restore failed: integrity_check: page 3 is corrupt (${dateTime(tested)})`)
        .className,
    ).toBe('status-failed');
    expect(f.calls.filter((c) => c.method === 'dbSourceList')).toEqual([
      { method: 'dbSourceList', input: { plan: 'docs' } },
    ]);
  });

  it('says what adding a database does when the plan has none', async () => {
    useFakeService({ scheduleDescribe: describeSchedule, dbSourceList: () => [] });
    render(<PlanSettings plan={samplePlan('photos')} />);
    const line = await screen.findByText(/This plan backs up no databases/);
    expect(line.textContent).toBe(
      "This plan backs up no databases. A PostgreSQL database is dumped with pg_dump before each backup, a SQLite file copied with SQLite's backup API, so the copy is consistent.",
    );
    expect(screen.getByRole('button', { name: 'Add a database…' })).toBeTruthy();
    expect(screen.queryByRole('list', { name: /Databases of/ })).toBeNull();
  });

  it("shows the service's message when it cannot list them", async () => {
    useFakeService({ scheduleDescribe: describeSchedule });
    render(<PlanSettings plan={samplePlan()} />);
    expect((await screen.findByText('dbSourceList is not available here.')).className).toBe('status-failed');
  });
});
