/**
 * The admin API's routes over a {@link ServerAdmin}: sessions (list, show, close),
 * bans (list, add, lift) and the throughput history. Authentication is checked by the
 * caller; every failure here is an {@link HttpError} with a 4xx status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerAdmin } from '@ftpkit/core';
import { HttpError, readJsonObject, sendJson } from './http.js';
import type { ThroughputSample } from './throughput.js';

/** What the routes work with. */
export interface AdminApi {
  admin: ServerAdmin;
  /** The traffic of the last minutes. */
  throughput(): readonly ThroughputSample[];
  /** Ban length when a POST /api/bans gives none, in seconds. */
  defaultBanSeconds: number;
}

/** Largest request body accepted (a ban is a few dozen bytes). */
export const MAX_BODY_BYTES = 16 * 1024;
/** Longest ban the API accepts: a year. */
const MAX_BAN_SECONDS = 365 * 24 * 3600;

const allow = (methods: string) => new HttpError(405, 'method not allowed', { allow: methods });

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'malformed percent-encoding in the path');
  }
}

/** The address and duration of a ban request body. */
function banRequest(body: Record<string, unknown>, defaultSeconds: number): { address: string; seconds: number } {
  const { address, duration = defaultSeconds } = body;
  if (typeof address !== 'string' || address === '') throw new HttpError(400, '"address" must be an IP address');
  if (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0 || duration > MAX_BAN_SECONDS) {
    throw new HttpError(400, `"duration" must be a number of seconds between 0 and ${MAX_BAN_SECONDS}`);
  }
  return { address, seconds: duration };
}

/** Answer one request under `/api/`; `path` is the URL path without the query. */
export async function routeApi(api: AdminApi, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const parts = path.split('/').slice(2); // '', 'api', ...
  const method = req.method ?? 'GET';
  const [resource, rawId, ...rest] = parts;
  if (rest.length > 0 || rawId === '') throw new HttpError(404, 'not found');
  const id = rawId === undefined ? undefined : decodeSegment(rawId);

  if (resource === 'sessions') {
    if (id === undefined) {
      if (method !== 'GET') throw allow('GET');
      return sendJson(res, 200, await api.admin.sessions());
    }
    if (method === 'GET') {
      const session = await api.admin.session(id);
      if (!session) throw new HttpError(404, 'no such session');
      return sendJson(res, 200, session);
    }
    if (method !== 'DELETE') throw allow('GET, DELETE');
    if (!(await api.admin.closeSession(id))) throw new HttpError(404, 'no such session');
    return sendJson(res, 204);
  }

  if (resource === 'bans') {
    if (id === undefined && method === 'GET') return sendJson(res, 200, await api.admin.bans());
    if (id === undefined && method === 'POST') {
      const { address, seconds } = banRequest(await readJsonObject(req, MAX_BODY_BYTES), api.defaultBanSeconds);
      try {
        return sendJson(res, 201, await api.admin.ban(address, seconds * 1000));
      } catch (err) {
        if (err instanceof RangeError) throw new HttpError(400, err.message);
        throw err;
      }
    }
    if (method !== 'DELETE') throw allow(id === undefined ? 'GET, POST, DELETE' : 'DELETE');
    // DELETE /api/bans/{address}, or DELETE /api/bans with { "address" } in the body.
    const address = id ?? (await readJsonObject(req, MAX_BODY_BYTES)).address;
    if (typeof address !== 'string' || address === '') throw new HttpError(400, '"address" must be an IP address');
    if (!(await api.admin.unban(address))) throw new HttpError(404, 'this address is not banned');
    return sendJson(res, 204);
  }

  if (resource === 'throughput' && id === undefined) {
    if (method !== 'GET') throw allow('GET');
    return sendJson(res, 200, { intervalMs: 1000, samples: api.throughput() });
  }
  throw new HttpError(404, 'not found');
}
