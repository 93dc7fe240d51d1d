import { afterAll, beforeAll, beforeEach } from 'vitest';
import { openDrive, type OpenDriveOptions } from '../../electron/engine/drive/index';
import { FileSecretStore } from '../../electron/engine/secrets/store';
import { emulatorEnv, fakeClock } from '../drive-emulator/harness';
import { startEmulator, type DriveEmulator } from '../drive-emulator/server';
import { tempDir } from './tmp';

/**
 * One Drive emulator for the test file, reset before each test, and a folder for the files tests upload
 * (both set once the file's tests start). `open()` gives a fresh remote on a fake clock: what another
 * process (the next push) would have.
 */
export function useEmulator() {
  const use = {
    emu: undefined as unknown as DriveEmulator,
    work: '',
    async open(extra: Partial<OpenDriveOptions> = {}) {
      const clock = fakeClock();
      const { remote } = await openDrive({
        secrets: new FileSecretStore(tempDir()),
        env: emulatorEnv(use.emu, use.emu.issueRefreshToken()),
        clock,
        ...extra,
      });
      return { remote, clock };
    },
  };
  beforeAll(async () => {
    use.emu = await startEmulator({ dir: tempDir() });
    use.work = tempDir();
  });
  afterAll(async () => {
    await use.emu.stop();
  });
  beforeEach(() => use.emu.reset());
  return use;
}
