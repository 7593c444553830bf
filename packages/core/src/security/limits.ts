/** Per-user session limit, checked when a login succeeds (`maxSessionsPerUser`). */
import { ReplyError } from '../protocol/reply-error.js';
import type { Session } from '../session.js';

/**
 * Throws 530 when `username` already holds `max` logged-in sessions (the server's
 * `maxSessionsPerUser`, or a per-user override). `session` itself is not counted.
 */
export function checkUserSessions(session: Session, username: string, max: number): void {
  if (!Number.isFinite(max)) return; // unlimited: no need to count
  let count = 0;
  for (const other of session.server.sessions) {
    if (other !== session && other.user?.username === username) count++;
  }
  if (count >= max) throw new ReplyError(530, `Too many sessions for this user (limit ${max}); try again later.`);
}
