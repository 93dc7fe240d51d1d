// Runs the Drive emulator as its own process: `npx tsx test/drive-emulator/main.ts [--dir D] [--port N]
// [--quota BYTES] [--refresh-token]`. Prints one JSON line ({url, authUrl, tokenUrl, clientId, clientSecret,
// dir, refreshToken?}) on stdout when ready; stops on SIGTERM/SIGINT. Control it through /__admin/ (admin.ts).
import { startEmulator } from './server';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const emu = await startEmulator({
  dir: arg('--dir'),
  port: arg('--port') ? Number(arg('--port')) : undefined,
  quotaBytes: arg('--quota') ? Number(arg('--quota')) : null,
});
const refreshToken = process.argv.includes('--refresh-token') ? emu.issueRefreshToken() : undefined;
process.stdout.write(
  JSON.stringify({
    url: emu.url,
    authUrl: emu.authUrl,
    tokenUrl: emu.tokenUrl,
    clientId: emu.clientId,
    clientSecret: emu.clientSecret,
    dir: emu.dir,
    refreshToken,
  }) + '\n',
);
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    void emu.stop().then(() => process.exit(0));
  });
}
