import type { ServerResponse } from 'node:http';
import type { EventBus } from '../engine/app/service/bus';

const HEARTBEAT_MS = 15_000;
const MAX_BUFFER = 4 << 20;

/**
 * Streams the service's events as Server-Sent Events (`event: runProgress`, `data: {...}`). A client that
 * cannot keep up is dropped; it reconnects and fetches a fresh snapshot (STYLE.md habit 6).
 */
export function streamEvents(res: ServerResponse, bus: EventBus): () => void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
    'X-Content-Type-Options': 'nosniff',
  });
  res.write('retry: 2000\n: connected\n\n');
  const close = () => {
    off();
    clearInterval(beat);
    if (!res.writableEnded) res.end();
  };
  const off = bus.on((e) => {
    if (res.writableLength > MAX_BUFFER) return close();
    res.write(`event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
  });
  const beat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  res.on('close', close);
  return close;
}
