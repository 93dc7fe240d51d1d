import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useFakeService } from '../testing/setup';
import { PlanDatabases } from './PlanDatabases';

function source(label: string) {
  return {
    id: 7,
    planId: 1,
    label,
    kind: 'sqlite' as const,
    location: `/home/u/${label}.sqlite`,
    format: 'backup' as const,
    createdAt: 0,
    lastDump: null,
    lastGoodDump: null,
    lastRestoreTest: null,
  };
}

describe('PlanDatabases: adding a database', () => {
  it('says what is wrong beside each field and sends nothing until it is right', async () => {
    const f = useFakeService({ dbSourceList: () => [] });
    render(<PlanDatabases plan="docs" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Add a database…' }));
    await userEvent.clear(screen.getByLabelText('Port'));
    await userEvent.type(screen.getByLabelText('Port'), '70000');
    await userEvent.tab();
    expect(screen.getByText('A port is 1 to 65535.')).toBeTruthy();
    expect(screen.getByLabelText('Port').getAttribute('aria-invalid')).toBe('true');
    await userEvent.click(screen.getByRole('button', { name: 'Add database' }));
    expect(screen.getByText('Give the database name.')).toBeTruthy();
    expect(screen.getByText('Give the user Cairn connects as.')).toBeTruthy();
    await userEvent.click(screen.getByLabelText('Connection string'));
    await userEvent.type(screen.getByRole('textbox', { name: 'Connection string' }), 'postgresql://a@h');
    await userEvent.click(screen.getByRole('button', { name: 'Add database' }));
    expect(screen.getByText('It names no database: add /DATABASE after the host.')).toBeTruthy();
    await userEvent.click(screen.getByLabelText('SQLite file'));
    await userEvent.type(screen.getByLabelText('Database file'), 'app.sqlite');
    await userEvent.type(screen.getByLabelText('Label (optional)'), '-bad');
    await userEvent.click(screen.getByRole('button', { name: 'Add database' }));
    expect(screen.getByText('Give the full path of the file, starting with /.')).toBeTruthy();
    expect(screen.getByText(/^Letters, digits, dot, dash, underscore or space/)).toBeTruthy();
    expect(f.calls.filter((c) => c.method === 'dbSourceAdd')).toEqual([]);
  });

  it('adds PostgreSQL by its fields with a password, tells when the server did not answer, and lists it', async () => {
    const added: unknown[] = [];
    let list: ReturnType<typeof source>[] = [];
    useFakeService({
      dbSourceList: () => list,
      dbSourceAdd: (i) => {
        added.push(i);
        list = [source('shop')];
        return { source: list[0]!, connection: 'The PostgreSQL server at db:5433 is not answering.' };
      },
    });
    render(<PlanDatabases plan="docs" />);
    const open = await screen.findByRole('button', { name: 'Add a database…' });
    await userEvent.click(open);
    await userEvent.clear(screen.getByLabelText('Host'));
    await userEvent.type(screen.getByLabelText('Host'), 'db');
    await userEvent.clear(screen.getByLabelText('Port'));
    await userEvent.type(screen.getByLabelText('Port'), '5433');
    await userEvent.type(screen.getByLabelText('Database'), 'shop');
    await userEvent.type(screen.getByLabelText('User'), 'app');
    await userEvent.type(screen.getByLabelText('Password (optional)'), 's3cret');
    await userEvent.click(screen.getByRole('button', { name: 'Add database' }));
    expect(
      (
        await screen.findByText(
          /^Added shop; it is dumped before each backup\. The server did not answer now/,
        )
      ).textContent,
    ).toContain('(The PostgreSQL server at db:5433 is not answering.)');
    expect(added).toEqual([
      {
        plan: 'docs',
        kind: 'postgres',
        host: 'db',
        port: 5433,
        database: 'shop',
        user: 'app',
        password: 's3cret',
      },
    ]);
    expect(await screen.findByRole('list', { name: 'Databases of docs' })).toBeTruthy();
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Add a database…' })),
    );
  });

  it('sends the chosen copy format, and shows the refusal of the service', async () => {
    const f = useFakeService({
      dbSourceList: () => [],
      dbSourceAdd: () => ({
        ok: false,
        error: { code: 'usage', message: '/home/u/x.db is not a SQLite database.' },
      }),
    });
    render(<PlanDatabases plan="docs" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Add a database…' }));
    await userEvent.click(screen.getByLabelText('SQLite file'));
    await userEvent.type(screen.getByLabelText('Database file'), '/home/u/x.db');
    await userEvent.selectOptions(screen.getByLabelText('Copy as'), 'VACUUM INTO (a compacted copy)');
    await userEvent.click(screen.getByRole('button', { name: 'Add database' }));
    expect((await screen.findByRole('alert')).textContent).toBe('/home/u/x.db is not a SQLite database.');
    expect(f.calls.filter((c) => c.method === 'dbSourceAdd').map((c) => c.input)).toEqual([
      { plan: 'docs', kind: 'sqlite', file: '/home/u/x.db', format: 'vacuum' },
    ]);
  });
});

describe('PlanDatabases: test restore and remove', () => {
  it('test-restores one source now and says the outcome; removes it only after confirming', async () => {
    let list = [source('notes')];
    const f = useFakeService({
      dbSourceList: () => list,
      dbSourceTest: (i) => ({
        exitCode: 1,
        results: [
          {
            planName: i.plan,
            stamp: '2026-11-23_021000',
            label: i.label!,
            kind: 'sqlite',
            ok: false,
            detail: "the snapshot fails SQLite's integrity check: page 3",
            durationMs: 12,
          },
        ],
      }),
      dbSourceRemove: (i) => {
        list = [];
        return { removed: i.label };
      },
    });
    render(<PlanDatabases plan="docs" />);
    const item = within(await screen.findByRole('list', { name: 'Databases of docs' })).getByRole('listitem');
    await userEvent.click(within(item).getByRole('button', { name: 'Test restore now' }));
    expect((await within(item).findByRole('status')).textContent).toBe(
      "Test restore failed: the snapshot fails SQLite's integrity check: page 3.",
    );
    await userEvent.click(within(item).getByRole('button', { name: 'Remove notes…' }));
    expect(document.activeElement).toBe(within(item).getByRole('button', { name: 'Keep it' }));
    await userEvent.click(within(item).getByRole('button', { name: 'Keep it' }));
    expect(f.calls.some((c) => c.method === 'dbSourceRemove')).toBe(false);
    await userEvent.click(within(item).getByRole('button', { name: 'Remove notes…' }));
    await userEvent.click(within(item).getByRole('button', { name: 'Remove notes' }));
    expect(await screen.findByText(/This plan backs up no databases/)).toBeTruthy();
    expect(f.calls.filter((c) => c.method === 'dbSourceTest' || c.method === 'dbSourceRemove')).toEqual([
      { method: 'dbSourceTest', input: { plan: 'docs', label: 'notes' } },
      { method: 'dbSourceRemove', input: { plan: 'docs', label: 'notes' } },
    ]);
  });
});
