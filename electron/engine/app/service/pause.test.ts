import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../../../test/helpers/tmp';
import { openCatalog, type Db } from '../../catalog/db';
import { PauseControl, readPause, writePause } from './pause';

const T0 = 1_000_000;
let db: Db | null = null;
afterEach(() => {
  db?.close();
  db = null;
});

function setup() {
  const dir = path.join(tempDir(), 'data');
  db = openCatalog(dir);
  const log: string[] = [];
  let now = T0;
  const pause = new PauseControl({
    db,
    scheduler: { suspend: () => log.push('suspend'), resume: () => log.push('resume') },
    now: () => now,
    onEnd: () => log.push('end'),
  });
  return { db, dir, log, pause, advance: (ms: number) => (now += ms), set: (t: number) => (now = t) };
}

describe('pause', () => {
  it('is kept in the catalog: read again after a restart, gone once its time has passed', () => {
    const { dir } = setup();
    writePause(db!, { since: T0, until: T0 + 3600_000 });
    db!.close();
    db = openCatalog(dir);
    expect(readPause(db, T0 + 1)).toEqual({ since: T0, until: T0 + 3600_000 });
    expect(readPause(db, T0 + 3600_000)).toBeNull();
    writePause(db, { since: T0, until: null });
    expect(readPause(db, T0 + 1e12)).toEqual({ since: T0, until: null });
    writePause(db, null);
    expect(readPause(db, T0)).toBeNull();
  });

  it('holds the schedule for the pause and releases it when resumed, whoever wrote it', () => {
    const { log, pause } = setup();
    writePause(db!, { since: T0, until: null });
    pause.sync();
    expect(pause.current()).toEqual({ since: T0, until: null });
    writePause(db!, null);
    pause.sync();
    expect(pause.current()).toBeNull();
    expect(log).toEqual(['suspend', 'resume', 'end']);
    pause.close();
  });

  it('ends a pause at its time by itself', () => {
    vi.useFakeTimers();
    try {
      const { log, pause, advance } = setup();
      writePause(db!, { since: T0, until: T0 + 60_000 });
      pause.sync();
      advance(60_000);
      vi.advanceTimersByTime(60_000);
      expect(log).toEqual(['suspend', 'resume', 'end']);
      expect(pause.current()).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not release a paused schedule when the machine wakes, nor a sleeping one when the pause ends', () => {
    const { log, pause, advance } = setup();
    writePause(db!, { since: T0, until: T0 + 3600_000 });
    pause.sync();
    pause.sleep(true);
    pause.sleep(false);
    expect(log).toEqual(['suspend']);
    pause.sleep(true);
    writePause(db!, null);
    pause.sync();
    expect(log).toEqual(['suspend', 'end']);
    pause.sleep(false);
    expect(log).toEqual(['suspend', 'end', 'resume']);
    // Woken after the pause's time passed during sleep: released at once.
    writePause(db!, { since: T0, until: T0 + 1000 });
    pause.sync();
    pause.sleep(true);
    advance(5000);
    pause.sleep(false);
    expect(log).toEqual(['suspend', 'end', 'resume', 'suspend', 'resume', 'end']);
    pause.close();
  });
});
