import { z } from 'zod';
import { Count, PlanName, Stamp } from './schemas/common';
import { Backup } from './schemas/backups';
import { HealthState, RunProgress } from './schemas/status';

/**
 * Every event the service pushes (IPC `cairn:event`, SSE `GET /api/events` with `event: <type>`). The UI
 * fetches a snapshot first, then applies these; after a reconnect it fetches again (STYLE.md habit 6).
 */
export const events = {
  /** A run was queued or started, or its figures moved (at most about 5 times a second). */
  runProgress: RunProgress,
  /** A run ended: with a backup, with a failure, or cancelled leaving nothing behind. */
  runFinished: z.object({
    runId: z.string(),
    planName: PlanName,
    outcome: z.enum(['complete', 'warnings', 'failed', 'cancelled']),
    backup: Backup.nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  }),
  /** A plan's health changed (healthy, attention, failing, waiting for the backup disk). */
  statusChanged: z.object({
    planName: PlanName,
    state: HealthState,
    previous: HealthState.nullable(),
    reasons: z.array(z.string()),
  }),
  /** The count of files changed since the last backup moved. */
  changesCounted: z.object({ planName: PlanName, changedFiles: Count }),
  /** A Drive push or retention run moved. */
  driveProgress: z.object({
    planName: PlanName,
    phase: z.enum(['scanning', 'packing', 'uploading', 'pruning', 'done', 'failed']),
    filesDone: Count,
    filesTotal: Count.nullable(),
    bytesDone: Count,
    bytesTotal: Count.nullable(),
    message: z.string().nullable(),
  }),
  /** A restore moved. */
  restoreProgress: z.object({
    planName: PlanName,
    stamp: Stamp,
    files: Count,
    bytes: Count,
    totalFiles: Count.nullable(),
    totalBytes: Count.nullable(),
  }),
} as const;

export type EventName = keyof typeof events;
export type EventData<E extends EventName> = z.output<(typeof events)[E]>;

/** One event as it travels: its name and its data. */
export type CairnEvent = { [E in EventName]: { type: E; data: EventData<E> } }[EventName];

export const eventNames = Object.keys(events) as EventName[];

/** The IPC channel on which the app sends events to the renderer. */
export const EVENT_CHANNEL = 'cairn:event';
