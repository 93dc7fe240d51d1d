import { describe, expect, it } from 'vitest';
import type { CairnEvent } from '../../shared/cairnEvents';
import { notificationFor } from './notificationModel';

const on = { desktop: true, onSuccess: false };
const changed = (state: string, previous: string | null, reasons: string[] = []): CairnEvent =>
  ({ type: 'statusChanged', data: { planName: 'home', state, previous, reasons } }) as CairnEvent;

describe('notifications', () => {
  it('tells a failure loudly and opens the activity log on click', () => {
    expect(notificationFor(changed('failing', 'healthy', ['The backup disk is full.']), on)).toEqual({
      title: 'Backup of home failed',
      body: 'The backup disk is full.',
      view: 'activity',
      urgency: 'critical',
    });
  });

  it('tells attention, a missing disk and a recovery, each once per change', () => {
    expect(
      notificationFor(changed('attention', 'healthy', ['The last backup is 2 days old.']), on),
    ).toMatchObject({
      title: 'home needs attention',
      body: 'The last backup is 2 days old.',
    });
    expect(notificationFor(changed('waiting-disk', 'healthy'), on)?.title).toBe(
      'Waiting for the backup disk of home',
    );
    expect(notificationFor(changed('healthy', 'failing'), on)).toMatchObject({
      title: 'home is backed up again',
      view: 'history',
    });
    expect(notificationFor(changed('healthy', null), on)).toBeNull();
    expect(notificationFor(changed('failing', 'failing'), on)).toBeNull();
  });

  it('is silent when desktop notifications are off, and tells successes only when asked', () => {
    expect(notificationFor(changed('failing', 'healthy'), { desktop: false, onSuccess: true })).toBeNull();
    const backup = { files: 1200, newFiles: 3, newBytes: 2_500_000, warnings: 0 };
    const done = {
      type: 'runFinished',
      data: { runId: 'r', planName: 'home', outcome: 'complete', backup, error: null },
    } as unknown as CairnEvent;
    expect(notificationFor(done, on)).toBeNull();
    expect(notificationFor(done, { desktop: true, onSuccess: true })).toMatchObject({
      title: 'Backup of home done',
      body: '1,200 files, 3 new or changed (2.5 MB).',
    });
  });
});
