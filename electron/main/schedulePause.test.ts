import { describe, expect, it, vi } from 'vitest';
import { SchedulePause } from './schedulePause';

function setup() {
  const log: string[] = [];
  let now = 1_000_000;
  const pause = new SchedulePause(
    { suspend: () => log.push('suspend'), resume: () => log.push('resume') },
    () => now,
  );
  return { log, pause, advance: (ms: number) => (now += ms) };
}

describe('schedule pause', () => {
  it('holds the schedule for the pause and releases it when resumed', () => {
    const { log, pause } = setup();
    pause.set(1_000_000 + 3600_000);
    expect(pause.pausedUntil()).toBe(1_000_000 + 3600_000);
    pause.set(null);
    expect(pause.pausedUntil()).toBeNull();
    expect(log).toEqual(['suspend', 'resume']);
    pause.close();
  });

  it('ends a pause at its time by itself', () => {
    vi.useFakeTimers();
    try {
      const { log, pause, advance } = setup();
      pause.set(1_000_000 + 60_000);
      advance(60_000);
      vi.advanceTimersByTime(60_000);
      expect(log).toEqual(['suspend', 'resume']);
      expect(pause.pausedUntil()).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not release a paused schedule when the machine wakes, nor a sleeping one when the pause ends', () => {
    const { log, pause, advance } = setup();
    pause.set(1_000_000 + 3600_000);
    pause.sleep(true);
    pause.sleep(false);
    expect(log).toEqual(['suspend']);
    pause.sleep(true);
    pause.set(null);
    expect(log).toEqual(['suspend']);
    pause.sleep(false);
    expect(log).toEqual(['suspend', 'resume']);
    // Woken after the pause's time passed during sleep: released at once.
    pause.set(1_000_000 + 1000);
    pause.sleep(true);
    advance(5000);
    pause.sleep(false);
    expect(log).toEqual(['suspend', 'resume', 'suspend', 'resume']);
    pause.close();
  });
});
