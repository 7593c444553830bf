/** Making room in a full server: which pre-login connection goes first. */
import type { Socket } from 'node:net';
import type { ServerSession } from '../session.js';

/**
 * Make room in a full server by dropping the connection that has not logged in and has
 * been quiet longest (a session by its last whole command; a connection still in its
 * PROXY header or implicit-TLS handshake by its start).
 * Silent connections (slowloris) cost an attacker nothing to hold, while a client that
 * is logging in talks all the time; so under a flood the flood's own connections make
 * room for real clients, long before `loginTimeout`. Logged-in sessions are never
 * dropped: with every slot logged in, the new connection is refused instead.
 *
 * `preLogin` holds the sessions that have not logged in, least recently active first
 * (stale entries are dropped here); `handshaking` the connections still in their PROXY
 * header or TLS handshake, oldest first. Returns false when there is nothing to drop.
 */
export function evictQuietestPreLogin(preLogin: Set<ServerSession>, handshaking: Map<Socket, number>): boolean {
  let session: ServerSession | undefined;
  for (const candidate of preLogin) {
    if (!candidate.user && !candidate.closed) {
      session = candidate;
      break;
    }
    preLogin.delete(candidate); // logged in or closing since it last spoke
  }
  const [handshake] = handshaking; // insertion order: the oldest first
  if (handshake && (!session || handshake[1] < session.lastActivity)) {
    handshake[0].destroy();
    return true;
  }
  if (!session) return false;
  preLogin.delete(session);
  void session.close('Server busy: closing connections that have not logged in.');
  return true;
}
