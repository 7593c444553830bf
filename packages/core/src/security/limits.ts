/** Per-user session limit, checked when a login succeeds (`maxSessionsPerUser`). */
import { ReplyError } from '../protocol/reply-error.js';
import type { Session } from '../session.js';

/** Throws 530 when `username` already holds `maxSessionsPerUser` logged-in sessions. */
export function checkUserSessions(session: Session, username: string): void {
  const max = session.server.options.maxSessionsPerUser;
  if (!Number.isFinite(max)) return; // unlimited: no need to count
  let count = 0;
  for (const other of session.server.sessions) {
    if (other !== session && other.user?.username === username) count++;
  }
  if (count >= max) throw new ReplyError(530, `Too many sessions for this user (limit ${max}); try again later.`);
}
