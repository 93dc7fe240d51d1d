// The count rules of a copy's own retention (Drive's --drive-keep-*, a remote's --keep-*): one table for the
// options, reading them back, and saying them.
import type { Command } from 'commander';
import type { DriveCounts } from '../../engine/drive/pack/policy';
import { intOption } from '../context';

/** Each rule: its word in the option names, its DriveCounts key, what N keeps. */
export const COPY_KEEPS: [rule: string, key: keyof DriveCounts, what: string][] = [
  ['last', 'keepLast', 'the newest N backups'],
  ['daily', 'keepDaily', 'the newest backup of each of the last N days'],
  ['weekly', 'keepWeekly', 'one backup a week for N weeks'],
  ['monthly', 'keepMonthly', 'one backup a month for N months'],
  ['yearly', 'keepYearly', 'one backup a year for N years'],
];

/** Adds `PREFIX-RULE <n>` for each rule (`--drive-keep-daily`, `--keep-daily`), described by `say`. */
export function copyKeepOptions(
  cmd: Command,
  prefix: string,
  say: (what: string, rule: string) => string,
): Command {
  for (const [rule, , what] of COPY_KEEPS)
    cmd.option(`${prefix}-${rule} <n>`, say(what, rule), intOption(`${prefix}-${rule}`));
  return cmd;
}

/** The counts among the parsed options; `attr` names commander's attribute for a key (driveKeepDaily). */
export function copyKeepsGiven(
  o: object,
  attr: (key: keyof DriveCounts) => string = (k) => k,
): Partial<DriveCounts> {
  const given: Partial<DriveCounts> = {};
  for (const [, key] of COPY_KEEPS) {
    const v = (o as Record<string, number | undefined>)[attr(key)];
    if (v !== undefined) given[key] = v;
  }
  return given;
}

/** "last 1, daily 7, weekly 4, monthly 12, yearly 0". */
export function copyKeepsText(counts: DriveCounts): string {
  return COPY_KEEPS.map(([rule, key]) => `${rule} ${counts[key]}`).join(', ');
}
