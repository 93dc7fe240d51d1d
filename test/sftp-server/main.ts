// The SFTP test server as its own process (for tests that block their own event loop in spawnSync):
// `npx tsx test/sftp-server/main.ts --dir D`. Prints one JSON line ({dir, configFile, dataDir, user, sshdPort,
// proxyPort, adminUrl}) when ready; stops on SIGTERM/SIGINT. Control on 127.0.0.1: GET /state (the proxy's
// counters), POST /drop {direction, afterBytes, times}, DELETE /faults, POST /reset.
import http from 'node:http';
import type net from 'node:net';
import { startSftpServer } from './server';

const i = process.argv.indexOf('--dir');
if (i < 0) throw new Error('usage: main.ts --dir DIR');
const server = await startSftpServer({ dir: process.argv[i + 1]! });
const { proxy } = server;

async function body(req: http.IncomingMessage): Promise<unknown> {
  let s = '';
  for await (const c of req) s += String(c);
  return s ? JSON.parse(s) : null;
}

const admin = http.createServer((req, res) => {
  void (async () => {
    const route = `${req.method} ${req.url}`;
    if (route === 'POST /drop') proxy.drop((await body(req)) as Parameters<typeof proxy.drop>[0]);
    else if (route === 'DELETE /faults') proxy.clearFaults();
    else if (route === 'POST /reset') proxy.resetCounters();
    else if (route !== 'GET /state') {
      res.writeHead(404).end('{}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(proxy.state()));
  })();
});
await new Promise<void>((resolve) => admin.listen(0, '127.0.0.1', resolve));
const { port } = admin.address() as net.AddressInfo;
process.stdout.write(
  JSON.stringify({
    dir: server.dir,
    configFile: server.configFile,
    dataDir: server.dataDir,
    user: server.user,
    sshdPort: server.sshdPort,
    proxyPort: proxy.port,
    adminUrl: `http://127.0.0.1:${port}/`,
  }) + '\n',
);
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    admin.close();
    void server.stop().then(() => process.exit(0));
  });
}
