/** The pre-login hook on USER, and how a refused login is reported. */
import { toError } from '../errors.js';
import { isAuthError } from './auth-error.js';
import type { ServerSession } from '../session.js';

/**
 * The message to refuse a login with, for an error thrown by `authenticate` or
 * `beforeLogin`. An {@link AuthError} is a deliberate refusal and keeps its message;
 * anything else is a fault of the hook: reported as 'error', answered generically.
 */
export function refusalReason(session: ServerSession, err: unknown): string {
  if (isAuthError(err)) return err.message || 'Login incorrect.';
  session.server.emit('error', toError(err), session);
  return 'Login incorrect.';
}

/** Run `beforeLogin` for a USER name; resolves with a refusal message, or undefined to go on. */
export async function screenLogin(session: ServerSession, username: string, anonymous: boolean): Promise<string | undefined> {
  const hook = session.server.options.beforeLogin;
  if (!hook) return undefined;
  try {
    const policy = await hook({ username, anonymous, address: session.remoteAddress, secure: session.secure, session });
    if (policy?.requireTls && !session.secure) return 'TLS is required for this user: use AUTH TLS first.';
    return undefined;
  } catch (err) {
    return refusalReason(session, err);
  }
}
