import { z } from 'zod';
import { Count, Millis, PlanName } from './common';

/** What the Drive copy looks like now; null fields are not known (not connected, never pushed). */
export const DriveStatus = z.object({
  connected: z.boolean(),
  /** True when a client ID and secret are set (settings or environment). */
  configured: z.boolean(),
  account: z.string().nullable(),
  quota: z.object({ used: Count, limit: Count.nullable() }).nullable(),
  encrypted: z.boolean(),
  folderUrl: z.string().nullable(),
  plans: z.array(
    z.object({
      planName: PlanName,
      lastPushAt: Millis.nullable(),
      pendingBytes: Count.nullable(),
      backupsOnDrive: Count,
      /** While a push waits for Google's daily (or rate) limit: when it tries again by itself, and the sentence. */
      resumesAt: Millis.nullable().optional(),
      waiting: z.string().nullable().optional(),
    }),
  ),
  /** The last error in plain words, with what to do. */
  lastError: z.object({ code: z.string(), message: z.string(), at: Millis }).nullable(),
  /** The Google OAuth client this copy of Cairn signs in as: the user's own or the one built in; null: none. */
  client: z
    .object({ id: z.string(), source: z.enum(['environment', 'settings', 'built-in']) })
    .nullable()
    .optional(),
  /** The OAuth client that made the backups on Drive, when known (plan.json on Drive keeps it). */
  madeWithClient: z.string().nullable().optional(),
  /** Set when the two differ: rebuilding from Drive needs the same client. */
  clientWarning: z.string().nullable().optional(),
});

export const DriveConnectInput = z.strictObject({
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
});

/** Connected, or the consent page to open in the system browser (the redirect comes back to 127.0.0.1). */
export const DriveConnectResult = z.discriminatedUnion('state', [
  z.object({ state: z.literal('connected'), account: z.string().nullable() }),
  z.object({ state: z.literal('needs-consent'), authUrl: z.string() }),
]);

export const DrivePushInput = z.strictObject({ plan: PlanName.optional() });

export const DrivePushResult = z.object({ started: z.boolean(), plans: z.array(PlanName) });

/** Sets the encryption password; it cannot be recovered if lost. */
export const DrivePasswordInput = z.strictObject({ password: z.string().min(12).max(1024) });
