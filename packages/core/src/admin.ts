/**
 * The admin surface for hosts: a JSON-ready snapshot of every session and its running
 * transfer, closing a session, and the defender's bans, behind one small async
 * interface ({@link ServerAdmin}). A dashboard or an HTTP API is written against that
 * interface, so an implementation spanning a fleet (every node's sessions, through the
 * shared state) can replace {@link localAdmin}, which serves this process only.
 *
 * Snapshots read what the transfer pipeline already counts; taking one costs nothing
 * while no one asks.
 */
import { isIP } from 'node:net';
import type { TransferDirection } from './data/transfer.js';
import type { FtpServer } from './server.js';
import { normalizeAddress } from './security/address.js';
import type { Ban } from './security/defender.js';
import { runningTransfer } from './session.js';
import type { Session } from './session-view.js';

/** A transfer in progress, as plain data. */
export interface TransferSnapshot {
  /** RETR, STOR, APPE, STOU, LIST, NLST or MLSD. */
  command: string;
  /** Virtual path of the file or directory. */
  path: string;
  direction: TransferDirection;
  /** ISO 8601 time it started. */
  startedAt: string;
  /** Bytes moved so far (file bytes). */
  bytes: number;
  elapsedMs: number;
  /** Average bytes per second since it started. */
  rate: number;
}

/** One connected session, as plain data (ready for `JSON.stringify`). */
export interface SessionSnapshot {
  id: string;
  /** The logged-in user name, or null before login. */
  user: string | null;
  anonymous: boolean;
  /** The client's IP address and port. */
  address: string;
  port: number;
  /** The server address the client connected to. */
  localAddress: string;
  /** ISO 8601 time the connection was accepted. */
  connectedAt: string;
  cwd: string;
  /** Whether the control connection is TLS-protected. */
  secure: boolean;
  /** Whether data connections are TLS-protected (PROT P). */
  protectedData: boolean;
  /** The virtual host chosen with HOST, or null. */
  virtualHost: string | null;
  /** The transfer running now, or null. */
  transfer: TransferSnapshot | null;
  /** The node holding the session, in a fleet-wide listing (`fleetAdmin`). */
  node?: string;
}

/** A ban in force, as plain data. */
export interface BanSnapshot {
  address: string;
  /** ISO 8601 time it ends. */
  until: string;
  /** How many times this address has been banned, this one included. */
  bans: number;
}

/**
 * What an administrator can see and do. Every method is async so that an
 * implementation may ask other nodes or a shared store.
 */
export interface ServerAdmin {
  /** Every connected session, oldest first. */
  sessions(): Promise<SessionSnapshot[]>;
  /** One session, or undefined when no session has this id. */
  session(id: string): Promise<SessionSnapshot | undefined>;
  /**
   * Close a session: the client gets `421 reason` and the connection closes (a running
   * transfer is aborted). Resolves false when no session has this id.
   */
  closeSession(id: string, reason?: string): Promise<boolean>;
  /** The bans in force, the soonest to end first. */
  bans(): Promise<BanSnapshot[]>;
  /**
   * Ban an IP address for `durationMs`: new connections from it get 421 before the
   * banner, and its open sessions are closed with 421. Throws a `RangeError` for a
   * string that is not an IP address or a duration that is not positive.
   */
  ban(address: string, durationMs: number): Promise<BanSnapshot>;
  /** Lift a ban; resolves false when the address was not banned. */
  unban(address: string): Promise<boolean>;
}

/** The reply text of a session closed by an administrator. */
export const ADMIN_CLOSE_REASON = 'Closed by the administrator.';

/** A plain-data view of `session` at `now`. */
export function snapshotSession(session: Session, now = Date.now()): SessionSnapshot {
  const transfer = runningTransfer(session);
  let running: TransferSnapshot | null = null;
  if (transfer) {
    const elapsedMs = Math.max(0, now - transfer.startedAt);
    running = {
      command: transfer.command,
      path: transfer.path,
      direction: transfer.direction,
      startedAt: new Date(transfer.startedAt).toISOString(),
      bytes: transfer.bytes,
      elapsedMs,
      rate: elapsedMs > 0 ? Math.round((transfer.bytes * 1000) / elapsedMs) : 0,
    };
  }
  return {
    id: session.id,
    user: session.user?.username ?? null,
    anonymous: session.user?.anonymous ?? false,
    address: session.remoteAddress,
    port: session.remotePort,
    localAddress: session.localAddress,
    connectedAt: session.connectedAt.toISOString(),
    cwd: session.cwd,
    secure: session.secure,
    protectedData: session.protectData,
    virtualHost: session.virtualHost ?? null,
    transfer: running,
  };
}

function banSnapshot(ban: Ban): BanSnapshot {
  return { address: ban.address, until: ban.until.toISOString(), bans: ban.bans };
}

/** The admin surface of one server, in this process. */
export function localAdmin(server: FtpServer): ServerAdmin {
  const find = (id: string) => [...server.sessions].find((s) => s.id === id);
  return {
    async sessions() {
      const now = Date.now();
      return [...server.sessions].filter((s) => !s.closed).map((s) => snapshotSession(s, now));
    },
    async session(id) {
      const session = find(id);
      return session && !session.closed ? snapshotSession(session) : undefined;
    },
    async closeSession(id, reason = ADMIN_CLOSE_REASON) {
      const session = find(id);
      if (!session || session.closed) return false;
      await session.close(reason);
      return true;
    },
    // The defender's calls are awaited: with a shared store they may become async.
    async bans() {
      return (await server.defender.bans()).map(banSnapshot);
    },
    async ban(address, durationMs) {
      if (isIP(address) === 0) throw new RangeError(`not an IP address: ${JSON.stringify(address)}`);
      const ban = await server.defender.ban(address, durationMs);
      const closing = [...server.sessions].filter((s) => s.remoteAddress === ban.address).map((s) => s.close('Your address is banned.'));
      await Promise.all(closing);
      return banSnapshot(ban);
    },
    async unban(address) {
      const key = normalizeAddress(address);
      const banned = await server.defender.isBanned(key);
      await server.defender.unban(key);
      return banned;
    },
  };
}
