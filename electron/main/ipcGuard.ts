// Every IPC call is checked twice before the service sees it: it must come from the app's own top frame, and
// its input must parse with the method's schema. Pure functions over a schema map, tested in Node.
import type { z } from 'zod';
import { fail, ok, type Result } from '../../shared/result';
import { isAppUrl } from './security';

/** What the IPC event tells about the frame that sent it (Electron's WebFrameMain, reduced). */
export interface SenderFrame {
  url: string;
  /** The frame's parent; null for a top-level frame. */
  parent: unknown;
}

/**
 * True only for the app's own top frame: an embedded frame, a page navigated elsewhere, or a destroyed frame
 * (senderFrame is null once it is gone) is refused.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  return !!frame && frame.parent === null && isAppUrl(frame.url);
}

/** Turns a zod error into one plain sentence naming the first field at fault. */
export function describeIssues(method: string, error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return `The input for ${method} is not valid.`;
  const where = first.path.length ? `${first.path.map(String).join('.')}: ` : '';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : '';
  return `The input for ${method} is not valid: ${where}${first.message}${more}.`;
}

/** Parses a call's input with its method's schema; an unknown method or bad input is an error value. */
export function parseCall<S extends Record<string, { input: z.ZodType }>>(
  schemas: S,
  method: string,
  input: unknown,
): Result<{ method: keyof S & string; input: unknown }> {
  if (!Object.prototype.hasOwnProperty.call(schemas, method))
    return fail('invalid-input', `There is no method called ${method}.`);
  const parsed = schemas[method]!.input.safeParse(input);
  if (!parsed.success) return fail('invalid-input', describeIssues(method, parsed.error));
  return ok({ method, input: parsed.data });
}

/**
 * The body of every `ipcMain.handle`: refuse a foreign sender, parse the input, run the handler, and turn
 * whatever it throws into an error value (errors never cross IPC as exceptions).
 */
export async function guardedCall<S extends Record<string, { input: z.ZodType }>>(
  schemas: S,
  frame: SenderFrame | null | undefined,
  method: string,
  input: unknown,
  handler: (method: keyof S & string, input: unknown) => Promise<Result<unknown>>,
): Promise<Result<unknown>> {
  if (!isTrustedSender(frame)) return fail('forbidden', 'This call did not come from the Cairn window.');
  const call = parseCall(schemas, method, input);
  if (!call.ok) return call;
  try {
    return await handler(call.value.method, call.value.input);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return fail('internal', `Cairn stopped on an unexpected error: ${message}`);
  }
}
