import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn, cairnJson } from './helpers/cli';
import { tempDir } from './helpers/tmp';
import { writeTree } from './helpers/tree';

/**
 * Parses Prometheus text exposition format 0.0.4 strictly: HELP and TYPE before samples, names and labels
 * by the grammar, numeric values. Throws on anything else.
 */
function parseProm(text: string): Map<string, { labels: Record<string, string>; value: number }[]> {
  const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  const typed = new Set<string>();
  const out = new Map<string, { labels: Record<string, string>; value: number }[]>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) {
      const [, kind, name, rest] = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line) ?? [];
      if (!name || !NAME.test(name)) throw new Error(`bad comment: ${line}`);
      if (kind === 'TYPE') {
        if (!['gauge', 'counter', 'untyped', 'histogram', 'summary'].includes(rest!)) throw new Error(line);
        typed.add(name);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.e+]+|NaN|[+-]Inf)$/.exec(line);
    if (!m) throw new Error(`bad sample: ${line}`);
    if (!typed.has(m[1]!)) throw new Error(`sample before its TYPE: ${line}`);
    const labels: Record<string, string> = {};
    if (m[3]) {
      for (const l of m[3].match(/[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"/g) ?? []) {
        const i = l.indexOf('=');
        labels[l.slice(0, i)] = l.slice(i + 2, -1);
      }
    }
    const list = out.get(m[1]!) ?? [];
    list.push({ labels, value: Number(m[4]) });
    out.set(m[1]!, list);
  }
  return out;
}

describe('cairn status, metrics and log', () => {
  it('status exits 0 healthy, 1 attention, 2 failing; metrics parse as Prometheus text; log filters', () => {
    const root = tempDir();
    const dataDir = path.join(root, 'data');
    const src = path.join(root, 'src');
    const dest = path.join(root, 'dest');
    writeTree(src, { 'a.txt': 'alpha', 'b/c.txt': 'gamma' });

    const empty = cairn(['status'], { dataDir }); // nothing is protected yet
    expect([empty.code, empty.stdout]).toEqual([1, expect.stringMatching(/No plans yet/)]);
    expect(cairn(['plan', 'add', 'home', '--source', src, '--dest', dest], { dataDir }).code).toBe(0);
    const none = cairn(['status'], { dataDir });
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/No backup has been made yet/);

    expect(cairn(['backup', 'home'], { dataDir }).code).toBe(0);
    const good = cairnJson<{ overall: string; plans: { state: string; nextRun: number }[] }>(['status'], {
      dataDir,
    });
    expect(good.code).toBe(0);
    expect(good.value.overall).toBe('healthy');
    expect(good.value.plans[0]!.nextRun).toBeGreaterThan(Date.now());

    const metrics = cairn(['metrics'], { dataDir });
    expect(metrics.code).toBe(0);
    const m = parseProm(metrics.stdout);
    expect(m.get('cairn_plan_status')).toEqual([{ labels: { plan: 'home' }, value: 0 }]);
    expect(m.get('cairn_last_backup_files')![0]!.value).toBe(2);
    expect(m.get('cairn_last_backup_size_bytes')![0]!.value).toBe(10);
    const last = m.get('cairn_last_success_timestamp_seconds')![0]!.value;
    expect(Math.abs(last - Date.now() / 1000)).toBeLessThan(120);

    const textfile = path.join(root, 'cairn.prom');
    expect(cairn(['metrics', '--textfile', textfile], { dataDir }).code).toBe(0);
    parseProm(fs.readFileSync(textfile, 'utf8'));
    expect(fs.readdirSync(root).filter((n) => n.includes('.tmp'))).toEqual([]);
    expect(cairn(['metrics', '--textfile', path.join(root, 'missing-dir', 'x.prom')], { dataDir }).code).toBe(
      2,
    );

    // The source disappears: the next backup fails and the plan is failing.
    fs.renameSync(src, src + '.moved');
    expect(cairn(['backup', 'home'], { dataDir }).code).toBe(2);
    const failing = cairn(['status'], { dataDir });
    expect(failing.code).toBe(2);
    expect(failing.stdout).toMatch(/FAILING/);
    expect(failing.stdout).toMatch(/does not exist/);
    expect(parseProm(cairn(['metrics'], { dataDir }).stdout).get('cairn_last_run_failed')![0]!.value).toBe(1);

    // The backup disk is unplugged: waiting for it is "attention", not "failing".
    fs.renameSync(src + '.moved', src);
    fs.renameSync(dest, dest + '.away');
    expect(cairn(['backup', 'home'], { dataDir }).code).toBe(2);
    const waiting = cairn(['status'], { dataDir });
    expect(waiting.code).toBe(1);
    expect(waiting.stdout).toMatch(/DISK NOT CONNECTED/);

    const all = cairnJson<{ kind: string; level: string; message: string }[]>(['log'], { dataDir });
    expect(all.value.map((e) => e.message)).toContain('Plan home created');
    const errors = cairnJson<{ level: string }[]>(['log', '--level', 'error'], { dataDir });
    expect(errors.value.length).toBeGreaterThanOrEqual(2);
    expect(errors.value.every((e) => e.level === 'error')).toBe(true);
    const plans = cairnJson<{ kind: string }[]>(['log', '--kind', 'plan', '--since', '1h'], { dataDir });
    expect(plans.value.map((e) => e.kind)).toEqual(['plan']);
    expect(cairn(['log', '--kind', 'nonsense'], { dataDir }).code).toBe(2);
    expect(cairn(['log', '--since', 'yesterday-ish'], { dataDir }).stderr).toMatch(/--since takes/);
    const text = cairn(['log', '--limit', '2'], { dataDir });
    expect(text.stdout.trim().split('\n')).toHaveLength(2);
  });
});
