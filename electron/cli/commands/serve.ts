import type { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { FileSecretStore } from '../../engine/drive/secrets';
import { CairnError } from '../../engine/errors';
import { builtRendererDir } from '../../engine/paths';
import { logNotifier } from '../../engine/notify/log';
import { CairnRuntime } from '../../engine/service/runtime';
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
      const db = c.catalog();
      const runtime = new CairnRuntime({
        db,
        actor: 'serve',
        localNotifier: logNotifier(log),
        log,
        drive: { secrets: new FileSecretStore(c.dataDir), workDir: c.dataDir },
      });
      await runtime.start();
      let server;
      try {
        server = await startServer({
          service: runtime.service,
          host: o.host,
          port: o.port ?? 0,
          rendererDir: builtRendererDir(fileURLToPath(import.meta.url)),
        });
      } catch (e) {
        await runtime.close();
        throw new CairnError(
          'usage',
          `Cairn cannot listen on ${o.host}:${o.port ?? 0} (${(e as Error).message}); choose another --port.`,
        );
      }
      c.out(
        { url: server.url, port: server.port, token: server.token },
        (v) => `Cairn is running. Open ${v.url} in your browser; Ctrl+C stops it.`,
      );
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (sig: string) => {
          if (stopping) {
            log(`${sig} again: stopping now.`);
            process.exit(130);
          }
          stopping = true;
          log(`${sig}: stopping (a running backup is cancelled and leaves nothing behind)...`);
          void runtime
            .close()
            .then(() => server.close())
            .finally(() => {
              process.off('SIGINT', onInt);
              process.off('SIGTERM', onTerm);
              log('Cairn stopped.');
              resolve();
            });
        };
        const onInt = () => stop('SIGINT');
        const onTerm = () => stop('SIGTERM');
        process.on('SIGINT', onInt);
        process.on('SIGTERM', onTerm);
      });
    });
}
