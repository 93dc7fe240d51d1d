import { logActivity } from '../../../catalog/activity';
import { CairnError } from '../../../errors';
import type { HandlerGroup } from '../context';
import { pauseEnd, writePause } from '../pause';

/** Pausing and resuming the backups that start by themselves (the scheduler follows through `changed`). */
export const setupHandlers: HandlerGroup<'pauseSet'> = {
  pauseSet: (i, c) => {
    const now = c.now();
    if (typeof i.until === 'number' && i.until <= now)
      throw new CairnError('usage', 'A pause has to end in the future; to resume now, resume.');
    const pause = i.until === null ? null : { since: now, until: i.until === 'resumed' ? null : i.until };
    writePause(c.db, pause);
    logActivity(c.db, {
      at: now,
      kind: 'settings',
      actor: c.actor,
      message: pause
        ? `Scheduled and after-change backups paused ${pauseEnd(pause)}.`
        : 'Scheduled and after-change backups resumed.',
      details: { pause },
    });
    c.changed();
    return { pause };
  },
};
