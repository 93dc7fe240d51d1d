// A real OpenSSH SFTP server for the rclone tests: Debian's /usr/sbin/sshd on 127.0.0.1 (random port) with a
// throwaway host key, client key and sshd_config in a temp folder, logging in as the current user (root
// here, anyone elsewhere: sshd run by a plain user can only log that user in, which is all the tests need),
// behind a counting, fault-injecting TCP proxy (proxy.ts). Writes an rclone config with an `sftp` remote (through
// the proxy), `sftp-direct` (no proxy), `sftp-badkey` (a key sshd does not know) and a `local` remote.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startProxy, type CountingProxy } from './proxy';

export const SSHD = '/usr/sbin/sshd';

export interface SftpServer {
  dir: string;
  /** The rclone config file (sftp, sftp-direct, sftp-badkey, local). */
  configFile: string;
  /** A folder on the server for the tests' files: "sftp:" + dataDir is an rclone path. */
  dataDir: string;
  user: string;
  /** sshd's own port; the `sftp` remote goes through the proxy instead. */
  sshdPort: number;
  proxy: CountingProxy;
  stop(): Promise<void>;
}

function keygen(file: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'cairn-test', '-f', file]);
  return fs.readFileSync(`${file}.pub`, 'utf8').trim();
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Waits until sshd answers with its banner (at most ~10 s). */
async function waitForBanner(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('data', (c) => {
        s.destroy();
        resolve(c.toString().startsWith('SSH-'));
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not answer on port ${port}`);
}

function sshdConfig(dir: string, port: number, user: string): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${dir}/host_key`,
    `PidFile ${dir}/sshd.pid`,
    `AuthorizedKeysFile ${dir}/authorized_keys`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    `AllowUsers ${user}`,
    'Subsystem sftp internal-sftp',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

function rcloneConfig(s: { dir: string; port: number; sshdPort: number; user: string }): string {
  const sftp = (name: string, port: number, key: string) =>
    [
      `[${name}]`,
      'type = sftp',
      'host = 127.0.0.1',
      `port = ${port}`,
      `user = ${s.user}`,
      `key_file = ${s.dir}/${key}`,
      `known_hosts_file = ${s.dir}/known_hosts`,
      'shell_type = unix',
      'md5sum_command = md5sum',
      'sha1sum_command = sha1sum',
      '',
    ].join('\n');
  return [
    sftp('sftp', s.port, 'client_key'),
    sftp('sftp-direct', s.sshdPort, 'client_key'),
    sftp('sftp-badkey', s.port, 'stranger_key'),
    '[local]\ntype = local\n',
  ].join('\n');
}

/** Starts sshd and the proxy in `dir` (a fresh temp folder). */
export async function startSftpServer(o: { dir: string }): Promise<SftpServer> {
  const dir = fs.realpathSync(o.dir);
  const user = os.userInfo().username;
  const hostPub = keygen(path.join(dir, 'host_key'));
  fs.writeFileSync(path.join(dir, 'authorized_keys'), keygen(path.join(dir, 'client_key')) + '\n');
  keygen(path.join(dir, 'stranger_key'));
  if (process.getuid?.() === 0) fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir);
  let sshd: ChildProcess | null = null;
  let sshdPort = 0;
  for (let attempt = 0; attempt < 5 && !sshd; attempt++) {
    sshdPort = await freePort();
    fs.writeFileSync(path.join(dir, 'sshd_config'), sshdConfig(dir, sshdPort, user));
    const child = spawn(SSHD, ['-D', '-f', path.join(dir, 'sshd_config'), '-E', path.join(dir, 'sshd.log')], {
      stdio: 'ignore',
    });
    try {
      await waitForBanner(sshdPort, child);
      sshd = child;
    } catch {
      child.kill('SIGKILL'); // the port was taken in between: try another
    }
  }
  if (!sshd) throw new Error(`sshd did not start: ${fs.readFileSync(path.join(dir, 'sshd.log'), 'utf8')}`);
  const proxy = await startProxy(sshdPort);
  const key = hostPub.split(' ').slice(0, 2).join(' ');
  fs.writeFileSync(
    path.join(dir, 'known_hosts'),
    `[127.0.0.1]:${proxy.port} ${key}\n[127.0.0.1]:${sshdPort} ${key}\n`,
  );
  const configFile = path.join(dir, 'rclone.conf');
  fs.writeFileSync(configFile, rcloneConfig({ dir, port: proxy.port, sshdPort, user }), { mode: 0o600 });
  const child = sshd;
  return {
    dir,
    configFile,
    dataDir,
    user,
    sshdPort,
    proxy,
    stop: async () => {
      await proxy.stop();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}
