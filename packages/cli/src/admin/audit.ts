/** An audit trail of what administrators do: every kick, ban and lifted ban is logged. */
import type { Logger, ServerAdmin } from '@ftpkit/core';

/** `admin`, logging each action that changes something to `logger` (at `warn`: they are rare and matter). */
export function audited(admin: ServerAdmin, logger: Logger | undefined): ServerAdmin {
  if (!logger) return admin;
  return {
    ...admin,
    async closeSession(id, reason) {
      const session = await admin.session(id);
      const closed = await admin.closeSession(id, reason);
      if (closed) logger.warn({ session: id, user: session?.user ?? undefined, address: session?.address }, 'admin closed a session');
      return closed;
    },
    async ban(address, durationMs) {
      const ban = await admin.ban(address, durationMs);
      logger.warn({ address: ban.address, until: ban.until }, 'admin banned an address');
      return ban;
    },
    async unban(address) {
      const lifted = await admin.unban(address);
      if (lifted) logger.warn({ address }, 'admin lifted a ban');
      return lifted;
    },
  };
}
