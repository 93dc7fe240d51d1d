// rclone's failures sorted the way Drive's are (retry, or a typed DriveError in plain words), from its exit
// code and its last log line: rclone has one error text per backend, so the patterns cover what SFTP, the
// local disk and the OAuth backends (OneDrive, Dropbox, Google's) say.
import { DriveError, type ErrorDetails } from '../drive/errors';
import type { RcloneFailure } from './rcloneRun';

export type FailureKind = 'not-found' | 'no-remote' | 'auth' | 'quota' | 'retry' | 'fatal' | 'no-rclone';

const NO_REMOTE = /didn't find section in config file|config file .* not found/i;
const AUTH =
  /unable to authenticate|failed to parse private key|no key found|couldn't read private key|passphrase|knownhosts: key (mismatch|is unknown)|host key mismatch|invalid_grant|oauth2: cannot fetch token|token expired|unauthori[sz]ed|invalid credentials|authentication failed|\b401\b|login failed/i;
const QUOTA = /no space left|enospc|quota|insufficient storage|storage (is )?full|\b507\b|disk full|remaining disk space/i;
const NOT_FOUND = /directory not found|object not found|file not found|doesn't exist|no such file/i;
const TRANSIENT =
  /connection (reset|refused|lost|closed)|broken pipe|\beof\b|timeout|timed out|temporar|try again|\b5\d\d\b|\b429\b|too many requests|reset by peer|couldn't connect|dial tcp|network|closed network connection|ssh: disconnect|corrupted on transfer|hash differ|ssh_fx_(connection_lost|no_connection)|handshake failed(?!: ssh: unable)/i;

/** What a failure calls for. Exit codes: 3 directory not found, 4 file not found, 5 temporary, 7 fatal. */
export function failureKind(f: RcloneFailure): FailureKind {
  if (f.spawnCode === 'ENOENT') return 'no-rclone';
  if (f.timedOut || (f.exitCode === null && f.spawnCode === null)) return 'retry';
  const m = f.message;
  if (NO_REMOTE.test(m)) return 'no-remote';
  if (AUTH.test(m)) return 'auth';
  if (QUOTA.test(m)) return 'quota';
  if (f.exitCode === 3 || f.exitCode === 4 || NOT_FOUND.test(m)) return 'not-found';
  if (f.exitCode === 5 || TRANSIENT.test(m)) return 'retry';
  return 'fatal';
}

/** The failure as the retry notices and `toDriveError`'s callers see Drive's: no HTTP status, network or not. */
export function failureDetails(f: RcloneFailure): ErrorDetails {
  return {
    status: null,
    reason: failureKind(f),
    message: f.message,
    network: failureKind(f) === 'retry',
    retryAfterMs: null,
  };
}

/** Where the copy is, for messages: the rclone remote's name ("nas") and the label ("nas:backups"). */
export interface RcloneWhere {
  remoteName: string;
  label: string;
  configFile: string | null;
}

/** A failure that retrying did not (or should not) fix, as a DriveError naming the rclone remote. */
export function rcloneError(f: RcloneFailure, what: string, w: RcloneWhere): DriveError {
  const kind = failureKind(f);
  const said = f.message;
  switch (kind) {
    case 'no-rclone':
      return new DriveError(
        'drive',
        `Could not ${what}: rclone is not installed (or not on PATH). Install it (Debian: \`apt install rclone\`), then push again.`,
        'no_rclone',
      );
    case 'no-remote':
      return new DriveError(
        'not-found',
        `rclone has no remote named "${w.remoteName}" in ${w.configFile ?? 'its config'}: add it with \`rclone config\` (or add the Cairn remote again with the right name).`,
        'no_remote',
      );
    case 'auth':
      return new DriveError(
        'drive-auth',
        `rclone could not sign in to ${w.remoteName}: ${said}. Run \`rclone config reconnect ${w.remoteName}:\` (or \`rclone config\` to fix its key or password), then push again.`,
        'auth',
      );
    case 'quota':
      return new DriveError(
        'drive-quota',
        `${w.label} is full (${said}): free up space there, then push again. Local backups are untouched.`,
        'quota',
      );
    case 'not-found':
      return new DriveError('not-found', `Could not ${what}: it is not on ${w.label} (${said}).`, 'notFound');
    default:
      return new DriveError(
        'drive',
        `Could not ${what} on ${w.label} (${said}); Cairn tries again at the next push.`,
        kind === 'retry' ? 'network' : 'rclone',
      );
  }
}
