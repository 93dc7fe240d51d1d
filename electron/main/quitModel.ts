// What quitting does while a backup runs: ask, then wait for it or cancel it; never leave a partial backup
// (a cancelled run removes its partial folder). Pure, tested in Node.

export type QuitAnswer = 'stay' | 'wait' | 'cancel';

export interface QuitPrompt {
  message: string;
  detail: string;
  buttons: string[];
  /** What each button does, by index. */
  answers: QuitAnswer[];
  defaultId: number;
  cancelId: number;
}

/** The question to ask before quitting, or null when nothing runs and Cairn can quit at once. */
export function quitPrompt(runs: { planName: string; phase: string }[]): QuitPrompt | null {
  const active = runs.filter((r) => r.phase !== 'queued');
  if (runs.length === 0) return null;
  const names = [...new Set(runs.map((r) => r.planName))];
  const what = names.length === 1 ? `the backup of ${names[0]}` : `${names.length} backups`;
  const verb = active.length > 0 ? 'is running' : 'is waiting to run';
  return {
    message: `${what.charAt(0).toUpperCase()}${what.slice(1)} ${names.length === 1 ? verb : verb.replace('is', 'are')}.`,
    detail:
      'Cairn can finish it and then quit, or cancel it now. A cancelled backup leaves nothing half-made; ' +
      'the next one starts over.',
    buttons: ['Keep Cairn running', 'Quit when done', 'Cancel backup and quit'],
    answers: ['stay', 'wait', 'cancel'],
    defaultId: 1,
    cancelId: 0,
  };
}
