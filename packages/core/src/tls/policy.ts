/** Applying the TLS policy (server-wide, tightened per user) to logins and data connections. */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { AuthResult } from '../hooks/authenticate.js';
import { ReplyError } from '../protocol/reply-error.js';
import type { ServerSession } from '../session.js';
import type { TlsPolicy } from './requirements.js';
import { TlsHandshakeError } from './engine.js';

/** The policy in force for a session: the server's, plus what its user's login added. */
export function effectivePolicy(session: ServerSession): Required<TlsPolicy> {
  const server = session.server.tls?.policy ?? {};
  const user = session.login.userTlsPolicy;
  return {
    requireTls: Boolean(server.requireTls || user.requireTls),
    requireProtectedData: Boolean(server.requireProtectedData || user.requireProtectedData),
    requireSessionReuse: Boolean(server.requireSessionReuse || user.requireSessionReuse),
  };
}

/**
 * Why USER or PASS must be refused on this connection, if it must: TLS is required
 * (server-wide, or for this user by `result`) and the control connection is plain.
 */
export function loginRefusal(session: ServerSession, result?: AuthResult): string | undefined {
  if (session.secure) return undefined;
  if (session.server.tls?.policy.requireTls || result?.requireTls) {
    return 'TLS required: secure the connection with AUTH TLS before logging in.';
  }
  return undefined;
}

/** Throws 521 when the policy wants protected data connections and PROT is C. */
export function requireDataProtection(session: ServerSession): void {
  if (!session.protectData && effectivePolicy(session).requireProtectedData) {
    throw new ReplyError(521, 'Data connections must be protected: use PBSZ 0 and PROT P.');
  }
}

/**
 * Wrap a PROT P data connection in TLS with the control connection's certificate,
 * checking session reuse when the policy asks for it. Failures become 425 replies.
 */
export async function secureDataSocket(session: ServerSession, socket: Socket): Promise<Socket> {
  const engine = session.server.tls;
  const control = session.socket;
  if (!engine || !(control instanceof TLSSocket)) throw new ReplyError(425, 'PROT P needs a TLS-protected control connection.');
  try {
    return await engine.secureData(socket, control, session.virtualHost, effectivePolicy(session).requireSessionReuse);
  } catch (err) {
    socket.destroy();
    if (err instanceof TlsHandshakeError) throw new ReplyError(425, err.message);
    throw err;
  }
}
