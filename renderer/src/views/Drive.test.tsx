import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useFakeService } from '../testing/setup';
import { Drive } from './Drive';

const status = {
  connected: true,
  configured: true,
  account: 'ann@example.org',
  quota: { used: 5 * 1024 ** 3, limit: 15 * 1024 ** 3 },
  encrypted: false,
  folderUrl: 'https://drive.google.com/drive/folders/abc',
  plans: [{ planName: 'docs', lastPushAt: null, pendingBytes: 2048, backupsOnDrive: 4 }],
  lastError: {
    code: 'quota',
    message: 'Google Drive is full; free space or buy more, then upload again.',
    at: Date.now(),
  },
};

describe('Drive', () => {
  it('shows the account, quota, folder link, pending bytes and the last error in plain words', async () => {
    useFakeService({ driveStatus: () => status });
    render(<Drive />);
    expect(await screen.findByText(/Connected as ann@example.org/)).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Drive space used' }).getAttribute('aria-valuenow')).toBe(
      '33',
    );
    expect(screen.getByText('5.0 GB used of 15 GB')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Open the Cairn folder on Drive' }).getAttribute('href')).toBe(
      status.folderUrl,
    );
    expect(screen.getByText('2.0 KB')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/^Google Drive is full; free space or buy more/);
  });

  it("says a push waits for Google's daily limit and when it resumes", async () => {
    const waiting = "Waiting for Google's daily limit, resumes about 14:05.";
    useFakeService({
      driveStatus: () => ({
        ...status,
        lastError: null,
        plans: [{ ...status.plans[0]!, resumesAt: Date.UTC(2026, 11, 7, 14, 5), waiting }],
      }),
    });
    render(<Drive />);
    expect(await screen.findByText(/Connected as ann@example.org/)).toBeTruthy();
    expect(screen.getByRole('row', { name: /docs/ }).textContent).toContain(waiting);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('sets the encryption password only after the warning is acknowledged', async () => {
    const f = useFakeService({ driveStatus: () => status, driveSetPassword: () => ({ encrypted: true }) });
    render(<Drive />);
    expect((await screen.findByRole('note')).textContent).toMatch(/cannot be read/);
    const set = screen.getByRole('button', { name: 'Set password' });
    await userEvent.type(screen.getByLabelText(/^Password/), 'correct horse battery');
    await userEvent.type(screen.getByLabelText('The same password again'), 'correct horse battery');
    expect(set).toHaveProperty('disabled', true);
    await userEvent.click(screen.getByLabelText(/I understand a lost password cannot be recovered/));
    await userEvent.click(set);
    expect(await screen.findByText(/The password is set/)).toBeTruthy();
    expect(f.calls.find((c) => c.method === 'driveSetPassword')?.input).toEqual({
      password: 'correct horse battery',
    });
  });

  it('shows a copy without an OAuth client the steps to make one, with no error, and sends the client entered', async () => {
    const f = useFakeService({
      driveStatus: () => ({
        ...status,
        connected: false,
        configured: false,
        account: null,
        quota: null,
        lastError: null,
        client: null,
        madeWithClient: null,
        clientWarning: null,
      }),
      driveConnect: () => ({ state: 'needs-consent', authUrl: 'https://accounts.google.com/o/oauth2/auth' }),
    });
    render(<Drive />);
    expect(await screen.findByText(/has no Google sign-in built in/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Google Cloud console' }).getAttribute('href')).toBe(
      'https://console.cloud.google.com/apis/credentials',
    );
    expect(screen.queryByRole('alert')).toBeNull();
    const connect = screen.getByRole('button', { name: 'Connect Google Drive' });
    expect(connect).toHaveProperty('disabled', true);
    await userEvent.type(screen.getByLabelText('Client ID'), 'mine.apps.googleusercontent.com');
    await userEvent.type(screen.getByLabelText('Client secret'), 'GOCSPX-x');
    await userEvent.click(connect);
    expect(f.calls.find((c) => c.method === 'driveConnect')?.input).toEqual({
      clientId: 'mine.apps.googleusercontent.com',
      clientSecret: 'GOCSPX-x',
    });
  });

  it('with a built-in client, connects in one click and warns when the backups were made with another', async () => {
    const f = useFakeService({
      driveStatus: () => ({
        ...status,
        connected: false,
        account: null,
        lastError: null,
        client: { id: 'release.apps', source: 'built-in' as const },
        madeWithClient: 'other.apps',
        clientWarning: 'The backups on Drive were made with the OAuth client other.apps, ...',
      }),
      driveConnect: () => ({ state: 'connected', account: 'ann@example.org' }),
    });
    render(<Drive />);
    await userEvent.click(await screen.findByRole('button', { name: 'Connect Google Drive' }));
    expect(f.calls.find((c) => c.method === 'driveConnect')?.input).toEqual({});
    expect(screen.queryByText(/has no Google sign-in built in/)).toBeNull();
    expect(screen.getByText(/signs in as the OAuth client release.apps \(built into this copy/)).toBeTruthy();
    expect(screen.getByText(/made with the OAuth client other.apps/)).toBeTruthy();
  });

  it('offers the consent page when connecting needs it', async () => {
    useFakeService({
      driveStatus: () => ({ ...status, connected: false, account: null, lastError: null }),
      driveConnect: () => ({
        state: 'needs-consent',
        authUrl: 'https://accounts.google.com/o/oauth2/auth?x=1',
      }),
    });
    render(<Drive />);
    await userEvent.click(await screen.findByRole('button', { name: 'Connect Google Drive' }));
    expect(screen.getByRole('link', { name: /consent page/ }).getAttribute('href')).toMatch(
      /^https:\/\/accounts.google.com/,
    );
  });
});
