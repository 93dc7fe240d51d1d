// Sleep, wake and shutdown from Electron's powerMonitor, passed to the service.
import { powerMonitor } from 'electron';

/** Tells the service when the machine sleeps and wakes, and cancels runs cleanly on OS shutdown. */
export function watchPower(o: { suspend(): Promise<void>; resume(): void; shutdown(): void }): void {
  powerMonitor.on('suspend', () => void o.suspend());
  powerMonitor.on('resume', () => o.resume());
  // Linux and macOS: the session is ending; there is no time for a question.
  powerMonitor.on('shutdown', () => o.shutdown());
}
