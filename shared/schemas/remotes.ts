// Off-site remotes (issue 18): Google Drive, S3-compatible buckets and rclone remotes, as `cairn remote`
// lists, adds, pushes, verifies, prunes and removes them.
import { z } from 'zod';
import { Count, Millis, PlanName } from './common';

/** A remote's name (as `cairn remote add NAME`). */
export const RemoteName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, 'use up to 32 letters, digits, dots, dashes or underscores');

export const RemoteKind = z.enum(['drive', 's3', 'rclone']);

/** One plan's copy on a remote, from the catalog (no network). */
export const RemotePlanState = z.object({
  plan: PlanName,
  lastPushAt: Millis.nullable(),
  lastPushBytes: Count.nullable(),
  /** Content the remote lacks, each content counted once. */
  bytesWaiting: Count,
  backupsOnRemote: Count,
  /** The last push's error in words, with what to do. */
  error: z.object({ code: z.string(), message: z.string(), at: Millis }).nullable(),
  /** A push waiting for a store's limit tries again by itself then. */
  resumesAt: Millis.nullable(),
});

export const RemoteView = z.object({
  name: RemoteName,
  kind: RemoteKind,
  /** Where the copy lives, as people write it: "Google Drive", "s3://bucket/prefix/ at https://host", "nas:backups". */
  where: z.string(),
  autoPush: z.boolean(),
  /** ok: every plan pushed; error: a push stopped; waiting: content waits to go up; never: nothing pushed yet. */
  state: z.enum(['ok', 'error', 'waiting', 'never', 'off']),
  plans: z.array(RemotePlanState),
  /** A push started from this window or `cairn serve` is under way. */
  pushing: z.boolean(),
  /** Where its credentials are, in words ("in the secret store", "rclone's config", "the AWS SDK's chain"). */
  credentials: z.string(),
});

const Plans = z.array(PlanName).max(100).default([]);

/** An S3-compatible bucket; keys go to the secret store (none: the AWS SDK's own chain). */
export const RemoteAddS3Input = z.strictObject({
  kind: z.literal('s3'),
  name: RemoteName,
  plans: Plans,
  /** s3://BUCKET or s3://BUCKET/PREFIX */
  url: z.string().min(1).max(1100),
  endpoint: z.string().max(2048).optional(),
  region: z.string().max(64).optional(),
  pathStyle: z.boolean().optional(),
  storageClass: z.string().max(64).optional(),
  accessKeyId: z.string().min(1).max(256).optional(),
  secretAccessKey: z.string().min(1).max(1024).optional(),
});

/** An existing rclone remote: rclone's config holds its credentials, never Cairn. */
export const RemoteAddRcloneInput = z.strictObject({
  kind: z.literal('rclone'),
  name: RemoteName,
  plans: Plans,
  /** REMOTE:PATH */
  target: z.string().min(2).max(2048),
  configFile: z.string().max(4096).optional(),
});

export const RemoteAddInput = z.discriminatedUnion('kind', [RemoteAddS3Input, RemoteAddRcloneInput]);

export const RemoteReach = z.object({
  reachable: z.boolean(),
  /** Machines whose Cairn backups the store holds. */
  machines: z.array(z.string()),
  message: z.string(),
});

export const RemoteAddResult = z.object({ remote: RemoteView, reach: RemoteReach });

export const RemoteRef = z.strictObject({ name: RemoteName });

/** What removing a remote forgot (the catalog's records); nothing on the store is deleted. */
export const RemoteRemoved = z.object({
  name: RemoteName,
  where: z.string(),
  plans: z.array(PlanName),
  backups: Count,
  packs: Count,
  /** Its S3 keys were in the secret store (deleted with it). */
  keys: z.boolean(),
});

export const RemoteRunInput = z.strictObject({ name: RemoteName, plan: PlanName.optional() });

export const RemotePushResult = z.object({ started: z.boolean(), plans: z.array(PlanName) });

/** Each plan's check of the remote's copy: every file against its MD5, a sample read back. */
export const RemoteVerifyResult = z.object({
  plans: z.array(
    z.object({
      plan: PlanName,
      intact: z.boolean(),
      backups: Count,
      packs: Count,
      sampled: Count,
      /** Problems in words, or why the check could not run. */
      problems: z.array(z.string()),
    }),
  ),
});

export const RemotePruneInput = RemoteRunInput.extend({ dryRun: z.boolean().optional() });

export const RemotePruneResult = z.object({
  plans: z.array(
    z.object({
      plan: PlanName,
      dryRun: z.boolean(),
      pruned: z.array(z.string()),
      freedBytes: Count,
      error: z.string().nullable(),
    }),
  ),
});
