import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { appStore } from '../store/store';
import { sampleDriveOff, samplePlan } from '../testing/samples';
import { useFakeService } from '../testing/setup';
import { Offsite } from './Offsite';

const AT = Date.UTC(2026, 11, 7, 9, 30);

const drive = {
  name: 'drive',
  kind: 'drive' as const,
  where: 'Google Drive',
  autoPush: true,
  state: 'ok' as const,
  plans: [
    {
      plan: 'docs',
      lastPushAt: AT,
      lastPushBytes: 10,
      bytesWaiting: 0,
      backupsOnRemote: 3,
      error: null,
      resumesAt: null,
    },
  ],
  pushing: false,
  credentials: 'the Google sign-in, in the secret store',
};

const bucket = {
  ...drive,
  name: 'wasabi',
  kind: 's3' as const,
  where: 's3://family-backups/laptop/ at https://s3.wasabisys.com',
  state: 'error' as const,
  credentials: 'keys in the secret store',
  plans: [
    {
      ...drive.plans[0]!,
      bytesWaiting: 3 * 1024 * 1024,
      error: { code: 'drive-auth', message: 'S3 refused the credentials for remote wasabi.', at: AT },
    },
  ],
};

const statusOf = { driveStatus: sampleDriveOff };

describe('Off-site copies', () => {
  it('lists Drive first and each remote with its state, bytes waiting and error in words', async () => {
    const waiting = { ...drive, plans: [{ ...drive.plans[0]!, resumesAt: AT }] };
    useFakeService({ ...statusOf, remoteList: () => [drive, bucket, { ...waiting, name: 'later' }] });
    render(<Offsite />);
    const items = await screen.findAllByTestId('remote');
    expect(items.map((i) => i.getAttribute('aria-label'))).toEqual(['drive', 'wasabi', 'later']);
    expect(items[2]!.textContent).toMatch(
      /docs: the push waits for the store's limit and goes on by itself about 2026-12-0[67] \d\d:30\./,
    );
    const w = within(items[1]!);
    expect(w.getByText('Push failed')).toBeTruthy();
    expect(w.getByText('3.0 MB')).toBeTruthy();
    expect(w.getByRole('alert').textContent).toMatch(/^docs: S3 refused the credentials for remote wasabi/);
    expect(within(items[0]!).queryByRole('button', { name: /Remove/ })).toBeNull();
    expect(screen.getByRole('heading', { name: 'Google Drive' })).toBeTruthy();
    expect(within(items[0]!).queryByText(/waits for the store's limit/)).toBeNull();
  });

  it('pushes, and removes only after confirming, saying nothing on the store is deleted', async () => {
    let pushing = false;
    const f = useFakeService({
      ...statusOf,
      remoteList: () => [drive, { ...bucket, pushing }],
      remotePush: () => {
        pushing = true;
        return { started: true, plans: ['docs'] };
      },
      remoteRemove: () => ({
        name: 'wasabi',
        where: bucket.where,
        plans: ['docs'],
        backups: 3,
        packs: 9,
        keys: true,
      }),
    });
    render(<Offsite />);
    const item = within((await screen.findAllByTestId('remote'))[1]!);
    await userEvent.click(item.getByRole('button', { name: 'Push now' }));
    expect(await item.findByText('Pushing docs…')).toBeTruthy();
    expect(item.getByTestId('remote-state').textContent).toBe('Pushing…');
    expect(item.getByRole('button', { name: 'Push now' })).toHaveProperty('disabled', true);
    await userEvent.click(item.getByRole('button', { name: 'Remove wasabi…' }));
    expect(item.getByRole('group').textContent).toMatch(/nothing on the store is deleted/);
    await userEvent.click(item.getByRole('button', { name: 'Remove wasabi' }));
    const remoteCalls = () =>
      f.calls.filter((c) => c.method.startsWith('remote')).map((c) => [c.method, c.input]);
    await waitFor(() => expect(remoteCalls()).toHaveLength(5));
    expect(remoteCalls()).toEqual([
      ['remoteList', {}],
      ['remotePush', { name: 'wasabi' }],
      ['remoteList', {}],
      ['remoteRemove', { name: 'wasabi' }],
      ['remoteList', {}],
    ]);
  });

  it('adds an S3 bucket: says what is wrong beside each field, then sends the fields and tells what was found', async () => {
    appStore.getState().setPlans([samplePlan('docs'), samplePlan('photos')]);
    const f = useFakeService({
      ...statusOf,
      remoteList: () => [drive],
      remoteAdd: () => ({
        remote: { ...bucket, state: 'never' as const, plans: [] },
        reach: {
          reachable: true,
          machines: ['old-laptop'],
          message: 'It holds Cairn backups of old-laptop.',
        },
      }),
    });
    render(<Offsite />);
    await userEvent.click(await screen.findByRole('button', { name: 'Add a remote…' }));
    const form = within(screen.getByRole('form', { name: 'Add a remote' }));
    await userEvent.type(form.getByLabelText('Name'), 'wasabi');
    await userEvent.type(form.getByLabelText('Bucket URL'), 'https://bucket');
    await userEvent.type(form.getByLabelText('Access key ID'), 'AKIA1');
    await userEvent.click(form.getByRole('button', { name: 'Add remote' }));
    expect(form.getByText('Write it as s3://BUCKET or s3://BUCKET/PREFIX.')).toBeTruthy();
    expect(form.getByText('Give both keys, or neither.')).toBeTruthy();
    await userEvent.clear(form.getByLabelText('Bucket URL'));
    await userEvent.type(form.getByLabelText('Bucket URL'), 's3://family-backups/laptop');
    await userEvent.type(form.getByLabelText('Secret access key'), 'sekrit');
    await userEvent.type(form.getByLabelText('Endpoint (empty for AWS)'), 'https://s3.wasabisys.com');
    await userEvent.click(form.getByLabelText(/Path-style/));
    await userEvent.click(form.getByLabelText('photos'));
    await userEvent.click(form.getByRole('button', { name: 'Add remote' }));
    expect((await screen.findByText(/^Added wasabi\./)).textContent).toMatch(/old-laptop/);
    expect(f.calls.find((c) => c.method === 'remoteAdd')?.input).toEqual({
      kind: 's3',
      name: 'wasabi',
      plans: ['docs', 'photos'],
      url: 's3://family-backups/laptop',
      endpoint: 'https://s3.wasabisys.com',
      region: undefined,
      pathStyle: true,
      storageClass: undefined,
      accessKeyId: 'AKIA1',
      secretAccessKey: 'sekrit',
    });
  });
});
