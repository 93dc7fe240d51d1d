import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useFakeService } from '../testing/setup';
import { samplePlan, sampleRun, sampleStatus } from '../testing/samples';
import { EmptyState } from './EmptyState';

describe('EmptyState', () => {
  it('creates a plan and starts its first backup', async () => {
    const f = useFakeService({
      planCreate: (i) => ({ ...samplePlan(i.name), dest: i.dest }),
      runNow: () => ({ run: sampleRun(), alreadyRunning: false }),
      status: () => sampleStatus(),
      runList: () => [],
      planList: () => [samplePlan()],
    });
    render(<EmptyState />);
    const create = screen.getByRole('button', { name: 'Create plan' });
    expect(create).toHaveProperty('disabled', true);
    await userEvent.type(screen.getByLabelText('Name of this backup plan'), 'docs');
    await userEvent.type(screen.getByLabelText('Folder to back up'), '/home/u/Documents');
    await userEvent.type(screen.getByLabelText('Where to keep the backups'), '/media/disk');
    await userEvent.click(create);
    await screen.findByRole('button', { name: 'Create plan' });
    expect(f.calls.map((c) => c.method).slice(0, 2)).toEqual(['planCreate', 'runNow']);
    expect(f.calls[0]!.input).toEqual({ name: 'docs', sources: ['/home/u/Documents'], dest: '/media/disk' });
  });

  it('shows why the service refused the plan', async () => {
    useFakeService({
      planCreate: () => ({
        ok: false,
        error: { code: 'source-missing', message: 'The folder /nope does not exist; choose another.' },
      }),
    });
    render(<EmptyState />);
    await userEvent.type(screen.getByLabelText('Name of this backup plan'), 'docs');
    await userEvent.type(screen.getByLabelText('Folder to back up'), '/nope');
    await userEvent.type(screen.getByLabelText('Where to keep the backups'), '/media/disk');
    await userEvent.click(screen.getByRole('button', { name: 'Create plan' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The folder /nope does not exist; choose another.',
    );
  });
});
