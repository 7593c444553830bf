/**
 * Optional logging through any pino-compatible logger. The core depends on no logging
 * library: it writes a few structured records (connections, logins, transfers, errors)
 * to whatever object with `debug/info/warn/error(obj, msg)` the host passes.
 */
import type { EventEmitter } from 'eventemitter3';
import type { FtpServerEvents } from './events.js';
import type { Session } from './session-view.js';

/** The logger shape ftpkit writes to; a pino (or pino child) logger fits as is. */
export interface Logger {
  /** Per-command detail. */
  debug(obj: Record<string, unknown>, msg?: string): void;
  /** Connections, logins and transfers. */
  info(obj: Record<string, unknown>, msg?: string): void;
  /** Refusals and bans. */
  warn(obj: Record<string, unknown>, msg?: string): void;
  /** Failures the server answered for (the 'error' event). */
  error(obj: Record<string, unknown>, msg?: string): void;
}

function who(session: Session): Record<string, unknown> {
  return {
    session: session.id,
    address: session.remoteAddress,
    ...(session.proxyAddress ? { via: session.proxyAddress } : {}),
    ...(session.user ? { user: session.user.username } : {}),
  };
}

/** Write the server's notable events to `logger`. Called by FtpServer for `options.logger`. */
export function attachLogger(server: EventEmitter<FtpServerEvents>, logger: Logger): void {
  server.on('connect', (session) => logger.debug(who(session), 'connection opened'));
  server.on('disconnect', (session) => logger.debug(who(session), 'connection closed'));
  server.on('login', (session) => logger.info(who(session), 'login'));
  // `user` as in the login record, so one query finds a name's logins and failures.
  server.on('login-failed', ({ session, username, reason }) => logger.warn({ ...who(session), user: username, reason }, 'login failed'));
  server.on('transfer-end', (t) => {
    const record = {
      ...who(t.session),
      command: t.command,
      path: t.path,
      direction: t.direction,
      status: t.result.status,
      bytes: t.result.bytes,
      durationMs: t.result.durationMs,
      reply: t.result.reply.code,
    };
    // Listings are routine; file transfers are what an administrator looks for.
    if (t.command === 'LIST' || t.command === 'NLST' || t.command === 'MLSD') logger.debug(record, 'listing sent');
    else logger.info(record, 'transfer');
  });
  server.on('error', (err, session) => logger.error({ err, ...(session ? who(session) : {}) }, err.message));
}
