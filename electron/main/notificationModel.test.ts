import { describe, expect, it } from 'vitest';
import { notificationUrgency, notificationView } from './notificationModel';

describe('desktop notifications', () => {
  it('open the view the notification is about', () => {
    expect(notificationView({ event: 'failing' })).toBe('activity');
    expect(notificationView({ event: 'waiting-disk' })).toBe('overview');
    expect(notificationView({ event: 'attention' })).toBe('overview');
    expect(notificationView({ event: 'recovered' })).toBe('history');
    expect(notificationView({ event: 'success' })).toBe('history');
    expect(notificationView({ event: 'test' })).toBe('settings');
  });

  it('keep a failure on screen and let a success pass quietly', () => {
    expect(notificationUrgency('high')).toBe('critical');
    expect(notificationUrgency('default')).toBe('normal');
    expect(notificationUrgency('low')).toBe('low');
  });
});
