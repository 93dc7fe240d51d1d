import { describe, expect, it } from 'vitest';
import { baseOf, remoteNameOf } from './rclone';
import { failureKind, rcloneError } from './rcloneErrors';
import { lastWords, RcloneFailure } from './rcloneRun';

const where = { remoteName: 'nas', label: 'nas:backups', configFile: null };

describe('rclone paths, last words and failures', () => {
  it('maps an rclone path to the base of its ids and the remote it names', () => {
    expect(baseOf('nas:backups')).toBe('nas:backups/');
    expect(baseOf('nas:')).toBe('nas:');
    expect(baseOf('nas:dir/')).toBe('nas:dir/');
    expect(remoteNameOf('nas:backups/x')).toBe('nas');
    expect(remoteNameOf('/srv/copy')).toBe('/srv/copy');
  });

  it("keeps rclone's final line without its time stamp, else its last JSON error", () => {
    const stderr = [
      '{"level":"error","msg":"error listing: directory not found","source":"walk/walk.go:174"}',
      '2026/12/07 16:19:11 Failed to lsjson: directory not found',
      '',
    ].join('\n');
    expect(lastWords(stderr)).toBe('Failed to lsjson: directory not found');
    expect(lastWords('{"level":"error","msg":"Attempt 1/1 failed"}\n')).toBe('Attempt 1/1 failed');
    expect(lastWords('')).toBe('rclone failed without saying why');
  });

  it('sorts failures: not found, no such remote, sign-in, full, temporary, other', () => {
    const kind = (message: string, code: number | null = 1) => failureKind(new RcloneFailure(message, code));
    expect(kind('Failed to cat: directory not found', 3)).toBe('not-found');
    expect(kind("x is a directory or doesn't exist")).toBe('not-found');
    expect(kind('Failed to create file system for "n:/x": didn\'t find section in config file')).toBe(
      'no-remote',
    );
    expect(kind("NewFs: couldn't connect SSH: ssh: handshake failed: ssh: unable to authenticate")).toBe(
      'auth',
    );
    expect(kind('failed to parse private key file: ssh: no key found')).toBe('auth');
    expect(kind('Failed to copy: write /x: no space left on device')).toBe('quota');
    expect(kind("NewFs: couldn't connect SSH: dial tcp 127.0.0.1:1: connect: connection refused")).toBe(
      'retry',
    );
    expect(kind('Failed to rcat: Update ReadFrom failed: connection lost')).toBe('retry');
    expect(kind('anything', 5)).toBe('retry');
    expect(failureKind(new RcloneFailure('timeout', null, true))).toBe('retry');
    expect(failureKind(new RcloneFailure('spawn rclone ENOENT', null, false, 'ENOENT'))).toBe('no-rclone');
    expect(kind('sftp: "Failure" (SSH_FX_FAILURE)')).toBe('fatal');
  });

  it('words each failure for the rclone remote, never for Drive', () => {
    const e = (message: string, code = 1) => rcloneError(new RcloneFailure(message, code), 'upload p', where);
    expect(e('ssh: unable to authenticate')).toMatchObject({ code: 'drive-auth' });
    expect(e('ssh: unable to authenticate').message).toContain('`rclone config reconnect nas:`');
    expect(e('no space left on device')).toMatchObject({ code: 'drive-quota' });
    expect(e('no space left on device').message).toMatch(/^nas:backups is full/);
    expect(e('directory not found', 3)).toMatchObject({ code: 'not-found', reason: 'notFound' });
    expect(e('sftp: "Failure"').message).toBe(
      'Could not upload p on nas:backups (sftp: "Failure"); Cairn tries again at the next push.',
    );
    for (const m of ['ssh: unable to authenticate', 'no space left', 'weird'])
      expect(e(m).message).not.toMatch(/Drive/);
  });
});
