import type { HandlerGroup } from '../context';

/** Back up now, cancel, and what runs. */
export const runHandlers: HandlerGroup<'runNow' | 'runCancel' | 'runList'> = {
  runNow: (i, c) => {
    const r = c.runs.request(i.plan, { actor: c.actor, note: i.note, pin: i.pin, manual: true });
    return { run: r.run, alreadyRunning: r.alreadyRunning };
  },
  runCancel: (i, c) => ({ cancelled: c.runs.cancel(i.plan) }),
  runList: (_i, c) => c.runs.list(),
};
