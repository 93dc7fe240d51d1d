import { describe, expect, it } from 'vitest';
import { quitPrompt } from './quitModel';

describe('quitting', () => {
  it('quits at once when nothing runs', () => {
    expect(quitPrompt([])).toBeNull();
  });

  it('asks, naming the plan, with stay as the escape answer and wait as the default', () => {
    const p = quitPrompt([{ planName: 'home', phase: 'running' }])!;
    expect(p.message).toBe('The backup of home is running.');
    expect(p.answers[p.cancelId]).toBe('stay');
    expect(p.answers[p.defaultId]).toBe('wait');
    expect(p.buttons).toHaveLength(p.answers.length);
    expect(p.detail).toMatch(/nothing half-made/);
  });

  it('counts several backups and says when they only wait', () => {
    expect(
      quitPrompt([
        { planName: 'home', phase: 'queued' },
        { planName: 'photos', phase: 'queued' },
      ])!.message,
    ).toBe('2 backups are waiting to run.');
  });
});
