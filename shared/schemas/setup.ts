import { z } from 'zod';
import { Millis } from './common';

/** Backups that start by themselves wait: since when, and until when (null: until the user resumes). */
export const Pause = z.object({ since: Millis, until: Millis.nullable() });

/**
 * Pauses scheduled and after-change backups until a moment, or `'resumed'` until the user resumes; null
 * resumes now. A backup the user starts still runs.
 */
export const PauseSetInput = z.strictObject({ until: z.union([Millis, z.literal('resumed')]).nullable() });

/** The pause in force after the call (null: not paused). */
export const PauseState = z.object({ pause: Pause.nullable() });
