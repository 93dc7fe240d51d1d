import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/tmp';
import { openCatalog, type Db } from '../catalog/db';
import type { HealthState } from '../health/health';
import { ntfyNotifier, webhookNotifier } from './http';
import { logNotifier } from './log';
import { HealthMonitor, type StatusEvents } from './monitor';
import { OUTBOX_LIMIT } from './outbox';
import { issueKinds, notificationFor } from './stateChange';
import type { Notification } from './types';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const servers: http.Server[] = [];
let db: Db | null = null;
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  db?.close();
  db = null;
});

/** A local HTTP receiver standing in for ntfy or a webhook. */
async function receiver(
  status = 200,
): Promise<{ url: string; got: Received[]; answer: (status: number) => void }> {
  const got: Received[] = [];
  const s = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      if (status === 200) got.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(status).end(status === 200 ? '{"id":"x"}' : 'nope');
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/cairn-alerts`;
  return { url, got, answer: (x) => (status = x) };
}

const note: Notification = {
  planName: 'home',
  event: 'failing',
  title: 'Backup of home is failing',
  message: 'The last backup failed: the source folder /home/a does not exist.',
  priority: 'high',
  at: Date.parse('2026-11-23T02:00:00Z'),
};

describe('notifications over HTTP', () => {
  it('publish to an ntfy topic with title, priority and tags', async () => {
    const r = await receiver();
    await ntfyNotifier(r.url).send(note);
    await ntfyNotifier(r.url).send({ ...note, title: 'Sauvegarde « home » échouée', priority: 'low' });
    expect(r.got).toHaveLength(2);
    expect(r.got[0]).toMatchObject({ method: 'POST', url: '/cairn-alerts', body: note.message });
    expect(r.got[0]!.headers).toMatchObject({
      title: note.title,
      priority: '5',
      tags: 'cairn,rotating_light',
    });
    const encoded = r.got[1]!.headers.title as string;
    expect(encoded).toMatch(/^=\?UTF-8\?B\?/);
    expect(Buffer.from(encoded.slice(10, -2), 'base64').toString('utf8')).toBe('Sauvegarde « home » échouée');
  });

  it('POST JSON to a webhook', async () => {
    const r = await receiver();
    await webhookNotifier(r.url).send(note);
    expect(r.got[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.got[0]!.body)).toEqual({
      source: 'cairn',
      computer: null,
      event: 'failing',
      plan: 'home',
      title: note.title,
      message: note.message,
      priority: 'high',
      at: '2026-11-23T02:00:00.000Z',
    });
  });

  it('say plainly when the receiver refuses or cannot be reached', async () => {
    const r = await receiver(500);
    await expect(ntfyNotifier(r.url).send(note)).rejects.toThrow(/answered 500; check the address/);
    await expect(webhookNotifier('http://127.0.0.1:1/x').send(note)).rejects.toThrow(/could not be reached/);
  });
});

describe('notificationFor', () => {
  it('tells on a first look only what is wrong now', () => {
    const h = (state: HealthState) => ({ state, reasons: ['why'] });
    expect(notificationFor('home', null, h('healthy'), 0)).toBeNull();
    expect(notificationFor('home', null, h('attention'), 0)).toBeNull(); // a new plan has no backup yet
    expect(notificationFor('home', null, h('failing'), 0)?.event).toBe('failing');
    expect(notificationFor('home', null, h('waiting-disk'), 0)?.event).toBe('waiting-disk');
    expect(notificationFor('home', 'attention', h('healthy'), 0)?.event).toBe('recovered');
    expect(notificationFor('home', 'healthy', h('attention'), 0)?.event).toBe('attention');
  });
});

describe('notificationFor with the health model issues', () => {
  const seen = (state: HealthState, ...kinds: string[]) => ({
    state,
    reasons: kinds.map((k) => `${k} says why`),
    issues: kinds.map((kind) => ({ kind, message: `${kind} says why` })),
  });
  it('tells once per change: a new problem in the same state, only that problem; nothing for the same ones', () => {
    const before = issueKinds(seen('attention', 'stale'));
    const n = notificationFor('home', 'attention', seen('attention', 'stale', 'disk-space'), 0, before);
    expect([n?.event, n?.message]).toEqual(['attention', 'disk-space says why']);
    const both = issueKinds(seen('attention', 'stale', 'disk-space'));
    expect(both).toEqual(['disk-space', 'stale']);
    expect(
      notificationFor('home', 'attention', seen('attention', 'disk-space', 'stale'), 0, both),
    ).toBeNull();
    expect(notificationFor('home', 'healthy', seen('attention', 'size-jump'), 0)?.message).toBe(
      'size-jump says why',
    );
    expect(notificationFor('home', 'healthy', seen('attention', 'drive-link'), 0)?.title).toBe(
      'Backup of home needs attention',
    );
  });
  it('says nothing for a first backup running, a run waiting for the disk that is back, or a first backup done', () => {
    expect(
      notificationFor('home', 'attention', seen('first-backup', 'first-backup'), 0, ['no-backup']),
    ).toBeNull();
    expect(
      notificationFor('home', 'waiting-disk', seen('waiting-run', 'waiting-run'), 0, ['disk-away']),
    ).toBeNull();
    expect(notificationFor('home', 'first-backup', seen('healthy'), 0, ['first-backup'])).toBeNull();
    expect(notificationFor('home', 'attention', seen('healthy'), 0, ['no-backup'])).toBeNull();
    expect(notificationFor('home', 'waiting-run', seen('healthy'), 0, ['waiting-run'])?.event).toBe(
      'recovered',
    );
  });
});

describe('HealthMonitor with issues', () => {
  it('tells a new problem in the same state once, also after a restart', async () => {
    db = openCatalog(path.join(tempDir(), 'data'));
    const lines: string[] = [];
    const make = () =>
      new HealthMonitor({
        db: db!,
        bus: { emit: () => {} },
        notifiers: () => [logNotifier((l) => lines.push(l))],
        onSendError: () => {},
        computer: 'test-box',
      });
    const see = (m: HealthMonitor, ...kinds: string[]) =>
      m.observe(
        [
          {
            planName: 'home',
            state: kinds.length ? 'attention' : 'healthy',
            reasons: kinds.map((k) => `${k} now`),
            issues: kinds.map((kind) => ({ kind, message: `${kind} now` })),
          },
        ],
        0,
      );
    let m = make();
    await see(m);
    await see(m, 'stale');
    await see(m, 'stale', 'disk-space');
    await see(m, 'disk-space', 'stale');
    m = make();
    await see(m, 'stale', 'disk-space');
    await see(m, 'stale');
    expect(lines).toEqual([
      '[1970-01-01T00:00:00.000Z] test-box: Backup of home needs attention: stale now',
      '[1970-01-01T00:00:00.000Z] test-box: Backup of home needs attention: disk-space now',
    ]);
  });
});

describe('HealthMonitor', () => {
  it('tells once per change of state, survives a restart without repeating, and emits statusChanged', async () => {
    const r = await receiver();
    db = openCatalog(path.join(tempDir(), 'data'));
    const changes: string[] = [];
    const bus: StatusEvents = { emit: (_type, d) => void changes.push(`${d.previous}->${d.state}`) };
    const errors: string[] = [];
    const make = () =>
      new HealthMonitor({
        db: db!,
        bus,
        notifiers: () => [ntfyNotifier(r.url), webhookNotifier(r.url)],
        onSendError: (c, m) => errors.push(`${c}: ${m}`),
        computer: 'test-box',
      });
    let m = make();
    const see = (state: HealthState) =>
      m.observe([{ planName: 'home', state, reasons: [`reason for ${state}`] }], Date.now());

    await see('healthy'); // first look at a healthy plan: nothing to tell
    await see('failing');
    await see('failing'); // the same state an hour later: nothing
    await see('healthy'); // recovered
    await see('attention'); // stale
    await see('attention');
    m = make(); // restart: the last told state is remembered
    await see('attention');
    await see('waiting-disk');
    await see('waiting-disk');

    const titles = r.got.filter((g) => g.headers.title).map((g) => g.headers.title);
    expect(titles).toEqual([
      'test-box: Backup of home is failing',
      'test-box: Backup of home is healthy again',
      'test-box: Backup of home needs attention',
      'test-box: Backup of home is waiting for the backup disk',
    ]);
    expect(r.got.filter((g) => g.headers['content-type'] === 'application/json')).toHaveLength(4);
    expect(changes).toEqual([
      'null->healthy',
      'healthy->failing',
      'failing->healthy',
      'healthy->attention',
      'attention->waiting-disk',
    ]);
    expect(errors).toEqual([]);
  });
});

describe('delivery', () => {
  const T0 = Date.parse('2026-11-23T02:00:00Z');
  const noBus: StatusEvents = { emit: () => undefined };

  function monitor(url: string, errors: string[] = []) {
    db ??= openCatalog(path.join(tempDir(), 'data'));
    return new HealthMonitor({
      db,
      bus: noBus,
      notifiers: () => [ntfyNotifier(url), webhookNotifier(url)],
      onSendError: (c, m) => errors.push(`${c}: ${m}`),
      computer: 'kitchen-pc',
    });
  }
  const look = (m: HealthMonitor, state: HealthState, at: number) =>
    m.observe([{ planName: 'home', state, reasons: [`reason for ${state}`] }], at);

  it('keeps a message its channel refused and sends it later, after a restart too', async () => {
    const r = await receiver(503);
    const errors: string[] = [];
    await look(monitor(r.url, errors), 'failing', T0);
    expect(r.got).toHaveLength(0);
    expect(errors).toHaveLength(2); // each channel said once that it refused
    r.answer(200);
    const m = monitor(r.url, errors); // a restart: the outbox is in the catalog
    await look(m, 'failing', T0 + 10_000); // too soon: backoff
    expect(r.got).toHaveLength(0);
    await look(m, 'failing', T0 + 31_000);
    expect(r.got.map((g) => g.headers.title ?? JSON.parse(g.body).title)).toEqual([
      'kitchen-pc: Backup of home is failing',
      'kitchen-pc: Backup of home is failing',
    ]);
    expect(m.outbox.pending()).toEqual([]);
    await look(m, 'failing', T0 + 90_000);
    expect(r.got).toHaveLength(2); // delivered once, not again
    expect(errors).toHaveLength(2);
  });

  it('keeps the order per channel and backs off while the channel stays down', async () => {
    const r = await receiver(500);
    const m = monitor(r.url);
    await look(m, 'failing', T0);
    await look(m, 'healthy', T0 + 1000);
    expect(m.outbox.pending().map((p) => [p.channel, p.n.event, p.attempts])).toEqual([
      ['ntfy', 'failing', 1],
      ['webhook', 'failing', 1],
      ['ntfy', 'recovered', 0],
      ['webhook', 'recovered', 0],
    ]);
    await m.outbox.flush(T0 + 31_000); // second try fails: the next waits a minute
    expect(m.outbox.pending()[0]).toMatchObject({ attempts: 2, nextAt: T0 + 31_000 + 60_000 });
    r.answer(200);
    await m.outbox.flush(T0 + 60_000);
    expect(r.got).toHaveLength(0);
    await m.outbox.flush(T0 + 91_000);
    expect(r.got.filter((g) => g.headers.title).map((g) => g.headers.title)).toEqual([
      'kitchen-pc: Backup of home is failing',
      'kitchen-pc: Backup of home is healthy again',
    ]);
    expect(JSON.parse(r.got.find((g) => !g.headers.title)!.body)).toMatchObject({ computer: 'kitchen-pc' });
  });

  it('keeps at most OUTBOX_LIMIT messages, saying which it dropped', async () => {
    const errors: string[] = [];
    const m = monitor('http://127.0.0.1:1/x', errors);
    for (let i = 0; i <= OUTBOX_LIMIT / 2; i++) {
      await look(m, i % 2 ? 'healthy' : 'failing', T0 + i);
    }
    expect(m.outbox.pending()).toHaveLength(OUTBOX_LIMIT);
    expect(errors.filter((e) => e.includes('Too many messages waiting'))).toHaveLength(2);
  });

  it('says "healthy again" only after a problem was told', async () => {
    const r = await receiver();
    const m = monitor(r.url);
    await look(m, 'attention', T0); // a new plan with no backup yet: not told
    await look(m, 'healthy', T0 + 1000); // its first good backup: nothing to recover from
    expect(r.got).toEqual([]);
    await look(m, 'failing', T0 + 2000);
    await look(m, 'healthy', T0 + 3000);
    expect(r.got.filter((g) => g.headers.title).map((g) => g.headers.title)).toEqual([
      'kitchen-pc: Backup of home is failing',
      'kitchen-pc: Backup of home is healthy again',
    ]);
  });
});
