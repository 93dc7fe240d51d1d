// Runs a command and measures its wall time and peak RSS (of the largest process in its tree).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export interface Sample {
  ms: number;
  /** Peak resident set size in KiB, or null when it could not be read. */
  rssKib: number | null;
}

export interface Cmd {
  argv: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const GNU_TIME = '/usr/bin/time';
let rssMethod: 'gnu-time' | 'proc' | null = null;

/** How peak RSS is read: GNU time's wait4() rusage when installed, else polling /proc VmHWM. */
export function rssSource(): 'gnu-time' | 'proc' {
  if (rssMethod) return rssMethod;
  rssMethod = 'proc';
  if (process.env.CAIRN_BENCH_RSS === 'proc') return rssMethod; // to check the fallback where time exists
  try {
    const out = path.join(os.tmpdir(), `cairn-bench-time-${process.pid}`);
    const r = spawnSync(GNU_TIME, ['-f', '%M', '-o', out, 'true']);
    if (r.status === 0 && /^\d+\s*$/.test(fs.readFileSync(out, 'utf8'))) rssMethod = 'gnu-time';
    fs.rmSync(out, { force: true });
  } catch {
    // not installed: poll /proc instead
  }
  return rssMethod;
}

/** Every pid in the process tree under pid (Linux /proc). */
function tree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      for (const t of fs.readdirSync(`/proc/${out[i]}/task`)) {
        const kids = fs.readFileSync(`/proc/${out[i]}/task/${t}/children`, 'utf8').trim();
        if (kids) for (const k of kids.split(/\s+/)) out.push(Number(k));
      }
    } catch {
      // gone already
    }
  }
  return out;
}

function hwm(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs cmd to completion; rejects when it exits non-zero (with its stderr). With GNU time the peak RSS is
 * the kernel's ru_maxrss for the command and its waited-for children; without it, VmHWM polled every 10 ms.
 */
export function run(cmd: Cmd, okCodes: number[] = [0]): Promise<Sample> {
  const gnu = rssSource() === 'gnu-time';
  const rssFile = path.join(
    os.tmpdir(),
    `cairn-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`,
  );
  const argv = gnu ? [GNU_TIME, '-f', '%M', '-o', rssFile, ...cmd.argv] : cmd.argv;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), {
      env: cmd.env ?? process.env,
      cwd: cmd.cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < 20_000) stderr += d.toString();
    });
    let peak = 0;
    const poll = gnu
      ? null
      : setInterval(() => {
          for (const p of tree(child.pid!)) peak = Math.max(peak, hwm(p));
        }, 10);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = performance.now() - t0;
      if (poll) clearInterval(poll);
      let rssKib: number | null = peak || null;
      if (gnu) {
        try {
          rssKib = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop());
        } catch {
          rssKib = null;
        }
        fs.rmSync(rssFile, { force: true });
      }
      if (code === null || !okCodes.includes(code)) {
        reject(
          new Error(`${cmd.argv.join(' ')} failed (${code ?? signal}): ${stderr.trim().slice(0, 2000)}`),
        );
        return;
      }
      resolve({ ms, rssKib });
    });
  });
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median of the samples' times, and the highest peak RSS among them. */
export function summarise(samples: Sample[]): { ms: number; rssKib: number | null; all: number[] } {
  const ms = median(samples.map((s) => s.ms));
  const rss = samples.map((s) => s.rssKib).filter((r): r is number => r !== null);
  return { ms, rssKib: rss.length ? Math.max(...rss) : null, all: samples.map((s) => s.ms) };
}

/** Flushes dirty pages so one run's write-back does not land in the next run's time. */
export async function syncAll(): Promise<void> {
  await run({ argv: ['sync'] });
}
