import type http from 'node:http';
import type { FaultSpec } from './faults';
import { errors, readBody, sendJson } from './protocol';
import type { DriveEmulator } from './server';

/**
 * The control API for an emulator in another process (no auth; 127.0.0.1 only):
 * POST /__admin/faults {FaultSpec} · DELETE /__admin/faults · GET /__admin/state ·
 * POST /__admin/quota {bytes} · POST /__admin/refresh-token · POST /__admin/revoke · POST /__admin/reset ·
 * POST /__admin/expire-sessions
 */
export async function handleAdmin(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  emu: DriveEmulator,
): Promise<void> {
  const body = await readBody(req, 65536);
  const json = body.length ? (JSON.parse(body.toString()) as Record<string, unknown>) : {};
  const route = `${req.method} ${url.pathname}`;
  switch (route) {
    case 'POST /__admin/faults':
      return sendJson(res, 200, emu.fault(json as unknown as FaultSpec));
    case 'DELETE /__admin/faults':
      emu.faults.clear();
      return sendJson(res, 200, {});
    case 'GET /__admin/state':
      return sendJson(res, 200, {
        rootId: emu.store.rootId,
        uploadedBytes: emu.uploadedBytes(),
        usage: emu.store.usage(),
        quotaBytes: emu.store.quotaBytes,
        sessions: emu.sessions(),
        faults: emu.faults.list,
        log: emu.log,
        files: emu.files(),
      });
    case 'POST /__admin/quota':
      emu.setQuota(typeof json.bytes === 'number' ? json.bytes : null);
      return sendJson(res, 200, {});
    case 'POST /__admin/refresh-token':
      return sendJson(res, 200, { refresh_token: emu.issueRefreshToken() });
    case 'POST /__admin/revoke':
      emu.revokeGrants();
      return sendJson(res, 200, {});
    case 'POST /__admin/expire-sessions':
      return sendJson(res, 200, { expired: emu.expireSessions() });
    case 'POST /__admin/reset':
      emu.reset();
      return sendJson(res, 200, {});
    default:
      throw errors.notFound(url.pathname);
  }
}
