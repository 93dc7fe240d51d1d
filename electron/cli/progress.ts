import { displayName } from '../engine/format/fsName';
import { formatBytes, formatCount } from './format';

export interface ProgressFigures {
  files: number;
  bytes: number;
  currentPath?: string;
  startedAt: number;
}

/** A one-line progress display on a terminal (stderr); silent when stderr is not a terminal. */
export function progressLine(stream: NodeJS.WriteStream = process.stderr) {
  const tty = stream.isTTY === true;
  let shown = false;
  return {
    update(p: ProgressFigures, verb = 'backed up'): void {
      if (!tty) return;
      const secs = Math.max(0.001, (Date.now() - p.startedAt) / 1000);
      const head = `${formatCount(p.files)} files ${verb}, ${formatBytes(p.bytes)}, ${formatBytes(p.bytes / secs)}/s`;
      const width = (stream.columns ?? 80) - 1;
      let line = p.currentPath ? `${head}  ${displayName(p.currentPath)}` : head;
      if (line.length > width) line = line.slice(0, Math.max(0, width - 1)) + '…';
      stream.write(`\r\x1b[2K${line}`);
      shown = true;
    },
    done(): void {
      if (tty && shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
