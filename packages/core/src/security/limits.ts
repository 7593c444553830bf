/**
 * Per-user session limit (`maxSessionsPerUser`), held as leases in the server's state
 * store, so that with a shared store it counts the user's sessions on every node.
 */
import { ReplyError } from '../protocol/reply-error.js';
import type { ServerSession } from '../session.js';

/** The user whose session slot each session holds. */
const held = new WeakMap<ServerSession, string>();

const userKey = (username: string) => `user:${username}`;

/**
 * Take a session slot of `username` for `session`; throws 530 when the user already
 * holds `max` (the server's `maxSessionsPerUser`, or a per-user override).
 */
export async function claimUserSession(session: ServerSession, username: string, max: number): Promise<void> {
  if (!Number.isFinite(max)) return; // unlimited: no need to count
  const granted = await session.server.state.leases.acquire(userKey(username), session.id, max);
  if (!granted) throw new ReplyError(530, `Too many sessions for this user (limit ${max}); try again later.`);
  held.set(session, username);
}

/** Give back the slot `session` holds (logout, REIN, close); a no-op without one. */
export function releaseUserSession(session: ServerSession): void {
  const username = held.get(session);
  if (username === undefined) return;
  held.delete(session);
  session.server.state.leases.release(userKey(username), session.id).catch(() => {});
}
