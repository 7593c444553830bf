/** Login and session lifecycle: USER, PASS, ACCT, REIN, QUIT (RFC 959 4.1.1). */
import type { TLSSocket } from 'node:tls';
import { toError } from '../errors.js';
import { isFsError } from '../fs/errors.js';
import { refusalReason, screenLogin } from '../hooks/login.js';
import { limitFileSystem } from '../limits/limited-fs.js';
import { AuthError, isAuthError } from '../hooks/auth-error.js';
import type { AuthResult } from '../hooks/authenticate.js';
import { FULL_ACCESS, READ_ONLY } from '../permissions/presets.js';
import { ReplyError } from '../protocol/reply-error.js';
import { claimUserSession, releaseUserSession } from '../security/limits.js';
import { StateUnavailableError } from '../state/guarded-store.js';
import type { ServerSession } from '../session.js';
import type { SessionUser } from '../session-view.js';
import { TlsEngine } from '../tls/engine.js';
import { findVirtualHost } from '../tls/options.js';
import { loginRefusal } from '../tls/policy.js';
import type { EngineSpec } from './engine-types.js';

const ANONYMOUS_NAMES = new Set(['anonymous', 'ftp']);

function isAnonymous(session: ServerSession, username: string): boolean {
  return session.server.options.anonymous && ANONYMOUS_NAMES.has(username.toLowerCase());
}

export const authCommands: Record<string, EngineSpec> = {
  USER: {
    auth: false,
    arg: 'required',
    help: 'USER <sp> username',
    async handler({ session, arg, reply }) {
      if (session.user) return reply(530, 'Already logged in; use REIN to change user.');
      session.login.pendingUser = undefined;
      const refusal = loginRefusal(session) ?? (await screenLogin(session, arg, isAnonymous(session, arg)));
      if (refusal !== undefined) {
        session.server.emit('login-failed', { session, username: arg, reason: refusal });
        return reply(530, refusal);
      }
      session.login.pendingUser = arg;
      // Always 331, whether or not the user exists (RFC 2577: no user enumeration).
      reply(331, isAnonymous(session, arg) ? 'Anonymous login ok, send your e-mail address as password.' : 'Please specify the password.');
    },
  },
  PASS: {
    auth: false,
    help: 'PASS <sp> password',
    async handler(ctx) {
      const { session, arg, reply } = ctx;
      if (session.user) return reply(503, 'Already logged in.');
      const username = session.login.pendingUser;
      if (username === undefined) return reply(503, 'Login with USER first.');
      session.login.pendingUser = undefined;
      const { defender } = session.server;
      // A ban stops the other sessions an address already holds, not only new ones.
      try {
        if (await defender.isBanned(session.remoteAddress)) return session.close('Too many failed logins from your address.');
      } catch (err) {
        if (err instanceof StateUnavailableError) return session.close('Service not available, try again later.');
        throw err;
      }
      const anonymous = isAnonymous(session, username);
      let result: AuthResult;
      const authenticate = findVirtualHost(session.server.options.virtualHosts, session.virtualHost)?.authenticate;
      const certificate = session.secure ? TlsEngine.verifiedPeerCertificate(session.socket as TLSSocket) : undefined;
      try {
        result = await (authenticate ?? session.server.options.authenticate)({
          username,
          password: arg,
          anonymous,
          address: session.remoteAddress,
          secure: session.secure,
          ...(certificate ? { certificate } : {}),
          ...(session.virtualHost !== undefined ? { host: session.virtualHost } : {}),
          session,
        });
        if (!result || typeof result.fs?.stat !== 'function') throw new Error('authenticate returned no file system');
        const refusal = loginRefusal(session, result);
        if (refusal) throw new AuthError(refusal);
      } catch (err) {
        const reason = refusalReason(session, err);
        session.server.emit('login-failed', { session, username, reason });
        // Only refusals count towards bans: a failing hook (database down) is not an attack.
        const verdict = isAuthError(err) ? await defender.loginFailed(session).catch(() => 'disconnect' as const) : 'retry';
        reply(530, reason);
        if (verdict === 'disconnect') await session.close('Too many failed logins.');
        return;
      }
      const base = anonymous ? READ_ONLY : FULL_ACCESS;
      const user: SessionUser = {
        username,
        anonymous,
        fs: result.limits ? limitFileSystem(result.fs, result.limits) : result.fs,
        ownsFileSystem: result.ownsFileSystem === true,
        permissions: Object.freeze({ ...base, ...result.permissions }),
        data: result.data ?? {},
      };
      // Awaited only when there is work: each await is another promise and microtask per login.
      // ctx.signal is made on first use: only a home directory to check needs one.
      const home = result.home ? await homeDirectory(session, result, ctx.signal) : '/';
      try {
        // An atomic slot in the state store: concurrent logins on any node are all counted.
        const { maxSessionsPerUser } = session.server.options;
        if (Number.isFinite(maxSessionsPerUser)) await claimUserSession(session, username, maxSessionsPerUser);
        if (session.closed) throw new ReplyError(421, 'Connection closed.');
      } catch (err) {
        releaseUserSession(session);
        if (result.ownsFileSystem) void result.fs.close?.().catch(() => {});
        if (err instanceof StateUnavailableError) return session.close('Service not available, try again later.');
        throw err;
      }
      const { requireTls, requireProtectedData, requireSessionReuse } = result;
      session.loggedIn(user, home, { requireTls, requireProtectedData, requireSessionReuse });
      session.server.emit('login', session);
      reply(230, 'Login successful.');
    },
  },
  ACCT: {
    auth: false,
    help: 'ACCT <sp> account',
    handler: ({ reply }) => reply(202, 'ACCT not needed.'),
  },
  REIN: {
    auth: false,
    arg: 'none',
    help: 'REIN',
    handler({ session, reply }) {
      session.reset();
      releaseUserSession(session);
      reply(220, 'Service ready for new user.');
    },
  },
  QUIT: {
    auth: false,
    duringTransfer: true,
    help: 'QUIT',
    async handler({ session, reply }) {
      // RFC 959: a running transfer gets its result reply (426 here) before the 221.
      const transfer = session.transfer;
      if (transfer) {
        transfer.abort();
        await transfer.done;
      }
      reply(221, 'Goodbye.');
      await session.close();
    },
  },
};

/** The home directory if it exists, else `/`. */
async function homeDirectory(session: ServerSession, result: AuthResult, signal: AbortSignal): Promise<string> {
  if (!result.home) return '/';
  const home = session.resolve(result.home);
  try {
    const stat = await result.fs.stat(home, { signal });
    return stat.type === 'file' ? '/' : home;
  } catch (err) {
    if (!isFsError(err)) session.server.emit('error', toError(err), session);
    return '/';
  }
}
