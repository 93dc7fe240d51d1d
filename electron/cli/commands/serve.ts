import type { Command } from 'commander';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { hasSystemdUser, serveCommand, serveLoginItem } from '../../engine/app/serveLogin';
import { openCairn } from '../../engine/app/open';
import { CairnError } from '../../engine/errors';
import { builtRendererDir } from '../../engine/paths';
import { isLoopback } from '../../server/guard';
import { startServer } from '../../server/server';
import { intOption, type CliContext } from '../context';

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

export function registerServe(program: Command, ctx: () => CliContext): void {
  program
    .command('serve')
    .description('run Cairn headless: scheduler, watcher and the UI over HTTP on 127.0.0.1 (Ctrl+C stops it)')
    .option('--port <n>', 'the port to listen on (default: a free one)', intOption('--port'))
    .option('--host <address>', 'the address to listen on (default 127.0.0.1)', '127.0.0.1')
    .option('--allow-remote', 'allow listening on an address other machines can reach (with --host)')
    .action(async (o: { port?: number; host: string; allowRemote?: boolean }) => {
      const c = ctx();
      if (!isLoopback(o.host) && !o.allowRemote) {
        throw new CairnError(
          'usage',
          `Listening on ${o.host} lets other machines reach Cairn; add --allow-remote if you mean it.`,
        );
      }
      if (!isLoopback(o.host)) {
        log(
          `WARNING: Cairn listens on ${o.host}: anyone on that network who gets the token can restore and delete backups. The traffic is not encrypted.`,
        );
      }
      const cairn = await openCairn(c.dataDir, { actor: 'serve', log });
      const { runtime } = cairn;
      runtime.service.ctx.loginItem = serveLoginItem({
        platform: process.platform,
        env: process.env,
        home: os.homedir(),
        systemd: hasSystemdUser(process.env, process.getuid?.() ?? 0),
        command: serveCommand({
          node: process.execPath,
          script: process.argv[1]!,
          dataDir: c.dataDir,
          port: o.port,
          host: o.host,
        }),
      });
      let server;
      try {
        server = await startServer({
          service: runtime.service,
          host: o.host,
          port: o.port ?? 0,
          rendererDir: builtRendererDir(fileURLToPath(import.meta.url)),
        });
      } catch (e) {
        await cairn.close();
        throw new CairnError(
          'usage',
          `Cairn cannot listen on ${o.host}:${o.port ?? 0} (${(e as Error).message}); choose another --port.`,
        );
      }
      // The signals are handled before the address is printed: a SIGTERM right after it still stops cleanly.
      const stopped = new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (sig: string) => {
          if (stopping) {
            log(`${sig} again: stopping now.`);
            process.exit(130);
          }
          stopping = true;
          log(`${sig}: stopping (a running backup is cancelled and leaves nothing behind)...`);
          // No new request, then the runtime (a pending Drive consent gives up), the catalog last.
          void server
            .close()
            .then(() => cairn.close())
            .finally(() => {
              process.off('SIGINT', onInt);
              process.off('SIGTERM', onTerm);
              log('Cairn stopped.');
              // Everything is closed; a handle left open somewhere must not keep the process alive.
              setTimeout(() => process.exit(), 1000).unref();
              resolve();
            });
        };
        const onInt = () => stop('SIGINT');
        const onTerm = () => stop('SIGTERM');
        process.on('SIGINT', onInt);
        process.on('SIGTERM', onTerm);
      });
      c.out(
        { url: server.url, port: server.port, token: server.token },
        (v) => `Cairn is running. Open ${v.url} in your browser; Ctrl+C stops it.`,
      );
      await stopped;
    });
}
