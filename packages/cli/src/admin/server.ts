/**
 * The admin HTTP listener (node:http): the JSON API under `/api/` behind a Bearer
 * token, and the dashboard page on `/`. Bound to 127.0.0.1 unless told otherwise.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localAdmin, type FtpServer, type Logger, type ServerAdmin } from '@ftpkit/core';
import { MIN_TOKEN_LENGTH } from '../config/admin.js';
import { audited } from './audit.js';
import { bearerCheck } from './auth.js';
import { loadDashboard, type DashboardPage } from './dashboard.js';
import { COMMON_HEADERS, HttpError, sendJson } from './http.js';
import { routeApi, type AdminApi } from './routes.js';
import { ThroughputMeter } from './throughput.js';

/** Where and how the admin listener runs. */
export interface AdminSettings {
  host: string;
  port: number;
  /** The Bearer token every API call must carry: at least 16 characters, no spaces. */
  token: string;
}

/** A running admin listener. */
export interface AdminEndpoint {
  http: Server;
  address: AddressInfo;
  /** `http://host:port/`, the dashboard's address. */
  url: string;
  close(): Promise<void>;
}

function handler(api: AdminApi, page: DashboardPage, authorized: (header: string | undefined) => boolean, logger?: Logger) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]!;
    try {
      if (path === '/' || path === '/index.html') {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method not allowed', { allow: 'GET, HEAD' });
        res.writeHead(200, { ...COMMON_HEADERS, ...page.headers }).end(req.method === 'HEAD' ? undefined : page.body);
        return;
      }
      if (path !== '/api' && !path.startsWith('/api/')) throw new HttpError(404, 'not found');
      if (!authorized(req.headers.authorization)) {
        throw new HttpError(401, 'missing or wrong token: send Authorization: Bearer TOKEN', { 'www-authenticate': 'Bearer realm="ftpkit"' });
      }
      await routeApi(api, req, res, path);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (!(err instanceof HttpError)) logger?.error({ err, url: path }, 'admin API request failed');
      const known = err instanceof HttpError ? err : new HttpError(500, 'internal error');
      if (req.readableDidRead && !req.complete) {
        // A body left half-read (413): drain it briefly so the client sees the answer, then hang up.
        res.setHeader('connection', 'close');
        req.resume();
        setTimeout(() => req.socket.destroy(), 2000).unref();
      }
      sendJson(res, known.status, { error: known.message }, known.headers);
    }
  };
}

/** Serve the admin API and dashboard for `server`; resolves once listening. */
export async function serveAdmin(server: FtpServer, settings: AdminSettings, admin: ServerAdmin = localAdmin(server)): Promise<AdminEndpoint> {
  if (typeof settings.token !== 'string' || settings.token.length < MIN_TOKEN_LENGTH || /\s/.test(settings.token)) {
    throw new TypeError(`serveAdmin: the token must be at least ${MIN_TOKEN_LENGTH} characters without spaces`);
  }
  const page = await loadDashboard();
  const meter = new ThroughputMeter(server);
  const api: AdminApi = { admin: audited(admin, server.options.logger), throughput: () => meter.history(), defaultBanSeconds: server.options.defender.banDuration / 1000 };
  const onRequest = handler(api, page, bearerCheck(settings.token), server.options.logger);
  // Short deadlines: an API call is small, and a slow client must not hold sockets open.
  const http = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => void onRequest(req, res));
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen({ host: settings.host, port: settings.port }, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    meter.stop();
    throw err;
  }
  http.on('error', () => {}); // after listening, errors concern single connections
  const address = http.address() as AddressInfo;
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    http,
    address,
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        meter.stop();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
