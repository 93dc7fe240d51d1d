import cronstrue from 'cronstrue';
import { checkSchedule } from '../plans/planOps';

/** The schedule in words for the UI ("At 02:00"), or why it cannot be read. */
export function describeSchedule(expr: string): { valid: boolean; text: string } {
  try {
    checkSchedule(expr);
    return { valid: true, text: cronstrue.toString(expr, { use24HourTimeFormat: true, verbose: false }) };
  } catch (e) {
    return { valid: false, text: e instanceof Error ? e.message : String(e) };
  }
}
