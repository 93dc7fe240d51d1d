import { FileSecretStore } from '../electron/engine/secrets/store';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog, type Db } from '../electron/engine/catalog/db';
import { CairnService } from '../electron/engine/app/service/service';
import { startServer, type RunningServer } from '../electron/server/server';
import type { CairnEvent } from '../shared/cairnEvents';
import { createHttpApi, eventStreamUrl, parseEvent } from '../shared/httpClient';
import { tempDir } from './helpers/tmp';
import { writeTree } from './helpers/tree';

let db: Db;
let service: CairnService;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  db = openCatalog(path.join(tempDir(), 'data'));
  service = new CairnService({ db, actor: 'test', secrets: new FileSecretStore(path.dirname(db.name)) });
  server = await startServer({ service, host: '127.0.0.1', port: 0, rendererDir: tempDir() });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
  await service.runs.cancelAll();
  db.close();
});

/** Reads the SSE stream with fetch until `stop` says so; events checked with parseEvent. */
async function readEvents(url: string, stop: (e: CairnEvent) => boolean): Promise<CairnEvent[]> {
  const res = await fetch(url);
  const reader = res.body!.getReader();
  const got: CairnEvent[] = [];
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return got;
    buf += new TextDecoder().decode(value);
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const type = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      const e = type && data ? parseEvent(type, data) : null;
      if (!e) continue;
      got.push(e);
      if (stop(e)) {
        await reader.cancel();
        return got;
      }
    }
  }
}

describe('the shared HTTP client against a real server', () => {
  it('calls methods with typed results, and reads typed events', async () => {
    const api = createHttpApi({ baseUrl: base, token: server.token });
    const root = tempDir();
    writeTree(path.join(root, 'src'), { 'a.txt': 'alpha' });
    const plan = await api.planCreate({
      name: 'home',
      dest: path.join(root, 'dest'),
      sources: [path.join(root, 'src')],
    });
    expect(plan.ok && plan.value.name).toBe('home');

    const stream = readEvents(eventStreamUrl(base, server.token), (e) => e.type === 'runFinished');
    await new Promise((r) => setTimeout(r, 100));
    expect((await api.runNow({ plan: 'home' })).ok).toBe(true);
    const got = await stream;
    const end = got.at(-1)!;
    expect(end.type === 'runFinished' && end.data.outcome).toBe('complete');

    const list = await api.backupList({ plan: 'home' });
    expect(list.ok && list.value.total).toBe(1);
    expect(await api.planGet({ plan: 'nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('says plainly when the token is wrong or the server is gone', async () => {
    const wrong = createHttpApi({ baseUrl: base, token: 'wrong' });
    expect(await wrong.status({})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const gone = createHttpApi({ baseUrl: 'http://127.0.0.1:1', token: 'x' });
    expect(await gone.status({})).toMatchObject({ ok: false, error: { code: 'unreachable' } });
    expect(parseEvent('runFinished', '{"bad":1}')).toBeNull();
    expect(parseEvent('nope', '{}')).toBeNull();
  });
});
