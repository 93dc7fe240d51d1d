// A TCP proxy on 127.0.0.1 in front of sshd: counts the bytes each way and cuts connections on demand, so
// tests see what an rclone push sent over the wire and how Cairn copes with a connection dropped mid-transfer.
import net from 'node:net';

/** Cut the next `times` connections once `afterBytes` went through them in `direction` (up: to the server). */
export interface DropFault {
  direction: 'up' | 'down';
  afterBytes: number;
  times: number;
}

export interface ProxyState {
  /** Bytes from the clients to sshd (uploads, requests). */
  received: number;
  /** Bytes from sshd to the clients (downloads, answers). */
  sent: number;
  connections: number;
  /** Connections cut by a fault. */
  dropped: number;
  faults: DropFault[];
}

export interface CountingProxy {
  port: number;
  state(): ProxyState;
  drop(f: DropFault): void;
  clearFaults(): void;
  resetCounters(): void;
  stop(): Promise<void>;
}

export async function startProxy(target: number): Promise<CountingProxy> {
  const st: ProxyState = { received: 0, sent: 0, connections: 0, dropped: 0, faults: [] };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    st.connections++;
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    const moved = { up: 0, down: 0 };
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    const pass = (dir: 'up' | 'down', from: net.Socket, to: net.Socket) => {
      from.on('data', (c: Buffer) => {
        moved[dir] += c.length;
        if (dir === 'up') st.received += c.length;
        else st.sent += c.length;
        const f = st.faults.find((x) => x.direction === dir && x.times > 0 && moved[dir] >= x.afterBytes);
        if (f) {
          f.times--;
          st.dropped++;
          st.faults = st.faults.filter((x) => x.times > 0);
          return cut();
        }
        if (!to.write(c)) from.pause();
      });
      to.on('drain', () => from.resume());
    };
    pass('up', client, upstream);
    pass('down', upstream, client);
    for (const s of [client, upstream]) {
      s.on('error', cut);
      s.on('close', () => {
        sockets.delete(s);
        cut();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    state: () => ({ ...st, faults: st.faults.map((f) => ({ ...f })) }),
    drop: (f) => void st.faults.push({ ...f }),
    clearFaults: () => void (st.faults = []),
    resetCounters: () => {
      st.received = 0;
      st.sent = 0;
      st.connections = 0;
      st.dropped = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
