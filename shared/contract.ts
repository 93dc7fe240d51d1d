import { z } from 'zod';
import type { Result } from './result';
import { BackupRef, NoInput, PlanName } from './schemas/common';
import {
  Backup,
  BackupDetail,
  BackupList,
  BackupListInput,
  FolderListInput,
  FolderPage,
  PinInput,
  SearchInput,
  SearchResults,
} from './schemas/backups';
import { BackupChanges, BackupChangesInput } from './schemas/changes';
import { DbSourceView } from './schemas/dbsources';
import { RemoveInput, RemovePreview } from './schemas/history';
import {
  DriveConnectInput,
  DriveConnectResult,
  DrivePasswordInput,
  DrivePushInput,
  DrivePushResult,
  DriveStatus,
} from './schemas/drive';
import {
  Plan,
  PlanCreateInput,
  PlanUpdateInput,
  ScheduleDescribeInput,
  ScheduleDescription,
  SourcePreview,
  SourcePreviewInput,
} from './schemas/plans';
import {
  ActivityListInput,
  ActivityPage,
  NotifyTestResult,
  RunProgress,
  Settings,
  SettingsPatch,
  Status,
} from './schemas/status';
import { PauseSetInput, PauseState } from './schemas/setup';
import {
  RemoteAddInput,
  RemoteAddResult,
  RemotePruneInput,
  RemotePruneResult,
  RemotePushResult,
  RemoteRef,
  RemoteRemoved,
  RemoteRunInput,
  RemoteVerifyResult,
  RemoteView,
} from './schemas/remotes';
import {
  DbSourceAddInput,
  DbSourceAddResult,
  DbSourceRef,
  DbSourceTestInput,
  DbSourceTestResult,
  FolderBrowseInput,
  FolderBrowseResult,
} from './schemas/sources';
import {
  PruneInput,
  PruneReport,
  RestoreInput,
  RestoreSummary,
  RestoreUndoInput,
  RestoreUndoReport,
  RetentionPolicies,
  RetentionPreview,
  RetentionPreviewInput,
  RetentionSetInput,
  VerifyInput,
  VerifyReport,
} from './schemas/trust';
import { FileContent, FileReadInput, FileTimeline, FileTimelineInput } from './schemas/timeline';

export * from './schemas/backups';
export * from './schemas/changes';
export * from './schemas/common';
export * from './schemas/dbsources';
export * from './schemas/drive';
export * from './schemas/history';
export * from './schemas/plans';
export * from './schemas/remotes';
export * from './schemas/setup';
export * from './schemas/sources';
export * from './schemas/status';
export * from './schemas/trust';
export * from './schemas/timeline';

interface MethodSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
}

/** Declares a method: an input and an output schema, both required. */
function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): MethodSpec<I, O> {
  return { input, output };
}

const PlanOnly = z.strictObject({ plan: PlanName });

/**
 * Every call the UI, the preload and `cairn serve` know. The names drive the IPC channels (`cairn:<name>`)
 * and the HTTP routes (`POST /api/<name>`); a method exists only with its two schemas.
 */
export const methods = {
  // Health and activity
  status: method(NoInput, Status),
  activityList: method(ActivityListInput, ActivityPage),

  // Plans and sources
  planList: method(NoInput, z.array(Plan)),
  planGet: method(PlanOnly, Plan),
  planCreate: method(PlanCreateInput, Plan),
  planUpdate: method(PlanUpdateInput, Plan),
  planRemove: method(PlanOnly, z.object({ removed: PlanName, backupsKeptIn: z.string() })),
  sourcePreview: method(SourcePreviewInput, SourcePreview),
  scheduleDescribe: method(ScheduleDescribeInput, ScheduleDescription),
  dbSourceList: method(PlanOnly, z.array(DbSourceView)),

  // Runs
  runNow: method(
    z.strictObject({ plan: PlanName, note: z.string().max(500).optional(), pin: z.boolean().optional() }),
    z.object({ run: RunProgress, alreadyRunning: z.boolean() }),
  ),
  runCancel: method(PlanOnly, z.object({ cancelled: z.boolean() })),
  runList: method(NoInput, z.array(RunProgress)),

  // Backups and their content
  backupList: method(BackupListInput, BackupList),
  backupGet: method(BackupRef, BackupDetail),
  folderList: method(FolderListInput, FolderPage),
  search: method(SearchInput, SearchResults),
  backupPin: method(PinInput, Backup),
  backupUnpin: method(BackupRef, Backup),

  // History (issue 17)
  backupRemovePreview: method(BackupRef, RemovePreview),
  backupRemove: method(RemoveInput, RemovePreview),

  // Restore, verify, retention
  restore: method(RestoreInput, RestoreSummary),
  restoreUndo: method(RestoreUndoInput, RestoreUndoReport),
  verify: method(VerifyInput, VerifyReport),
  retentionGet: method(PlanOnly, RetentionPolicies),
  retentionSet: method(RetentionSetInput, RetentionPolicies),
  retentionPreview: method(RetentionPreviewInput, RetentionPreview),
  prune: method(PruneInput, PruneReport),

  // Google Drive
  driveStatus: method(NoInput, DriveStatus),
  driveConnect: method(DriveConnectInput, DriveConnectResult),
  driveDisconnect: method(NoInput, z.object({ disconnected: z.boolean() })),
  drivePush: method(DrivePushInput, DrivePushResult),
  driveSetPassword: method(DrivePasswordInput, z.object({ encrypted: z.boolean() })),

  // Changes (issue 17)
  backupChanges: method(BackupChangesInput, BackupChanges),

  // Settings
  settingsGet: method(NoInput, Settings),
  settingsSet: method(SettingsPatch, Settings),
  notifyTest: method(NoInput, NotifyTestResult),

  // Timeline (issue 17)
  fileTimeline: method(FileTimelineInput, FileTimeline),
  fileRead: method(FileReadInput, FileContent),
  // Setup (issue 17)
  pauseSet: method(PauseSetInput, PauseState),
  // Set-up: database sources and the folder browser (issue 17)
  dbSourceAdd: method(DbSourceAddInput, DbSourceAddResult),
  dbSourceRemove: method(DbSourceRef, z.object({ removed: z.string() })),
  dbSourceTest: method(DbSourceTestInput, DbSourceTestResult),
  folderBrowse: method(FolderBrowseInput, FolderBrowseResult),
  // Off-site remotes: Drive, S3, rclone (issue 18)
  remoteList: method(NoInput, z.array(RemoteView)),
  remoteAdd: method(RemoteAddInput, RemoteAddResult),
  remoteRemove: method(RemoteRef, RemoteRemoved),
  remotePush: method(RemoteRunInput, RemotePushResult),
  remoteVerify: method(RemoteRunInput, RemoteVerifyResult),
  remotePrune: method(RemotePruneInput, RemotePruneResult),
} as const satisfies Record<string, MethodSpec<z.ZodType, z.ZodType>>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What a caller passes (defaults not yet applied). */
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** What a handler receives after parsing. */
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

/** The whole API as a caller sees it: one async function per method, errors as values. */
export type CairnApi = { [M in MethodName]: (input: MethodInput<M>) => Promise<Result<MethodOutput<M>>> };

export const methodNames = Object.keys(methods) as MethodName[];

/** True when a string names a method (an HTTP route segment, an IPC channel suffix). */
export function isMethodName(s: string): s is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, s);
}

/** The IPC channel of a method. */
export function ipcChannel(m: MethodName): string {
  return `cairn:${m}`;
}

/** The HTTP route of a method under `cairn serve`. */
export function httpRoute(m: MethodName): string {
  return `/api/${m}`;
}

/** Error codes a caller can act on; the message is for people. */
export const ERROR_CODES = [
  'invalid-input',
  'unavailable',
  'not-found',
  'conflict',
  'usage',
  'locked',
  'cancelled',
  'source-missing',
  'dest-missing',
  'dest-unwritable',
  'dest-overlap',
  'disk-full',
  'io',
  'corrupt',
  'internal',
] as const;
