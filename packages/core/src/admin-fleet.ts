/**
 * The admin surface of a whole fleet, built on the state store every node shares
 * (`server.state`): each node publishes snapshots of its sessions to the store every
 * `interval`, expiring after three intervals so that a dead node drops out of the
 * listing; closing a session held by another node leaves a request in the store, which
 * that node carries out at its next tick (within `interval`). Bans are the defender's,
 * which the store already shares.
 */
import { hostname } from 'node:os';
import { ADMIN_CLOSE_REASON, localAdmin, type ServerAdmin, type SessionSnapshot } from './admin.js';
import type { FtpServer } from './server.js';
import type { StateStore } from './state/store.js';

/** Options of {@link fleetAdmin}. */
export interface FleetAdminOptions {
  /** The store the nodes share. Default `server.state`. */
  store?: StateStore;
  /** This node's name in listings (`SessionSnapshot.node`). Default `<host name>:<pid>`. */
  node?: string;
  /** Milliseconds between two publications of this node's sessions (and polls for requests). Default 1000. */
  interval?: number;
}

/** A {@link ServerAdmin} over every node sharing a store; `stop()` ends this node's part. */
export interface FleetAdmin extends ServerAdmin {
  /** Stop publishing and polling, and take this node out of the listing. */
  stop(): Promise<void>;
}

const NODE_PREFIX = 'admin:node:';
const CLOSE_PREFIX = 'admin:close:';
const BANNED_REASON = 'Your address is banned.';

/** A node's published session snapshots; an unreadable entry counts as none. */
function parseSessions(value: string): SessionSnapshot[] {
  try {
    const list = JSON.parse(value) as unknown;
    return Array.isArray(list) ? (list as SessionSnapshot[]) : [];
  } catch {
    return [];
  }
}

/**
 * The admin surface of the fleet `server` belongs to (every node calls it with its own
 * server). With the in-process default store it shows this node alone.
 */
export function fleetAdmin(server: FtpServer, options: FleetAdminOptions = {}): FleetAdmin {
  const store = options.store ?? server.state;
  const node = options.node ?? `${hostname()}:${process.pid}`;
  const interval = options.interval ?? 1000;
  const local = localAdmin(server);
  const own = async () => (await local.sessions()).map((s) => ({ ...s, node }));

  const tick = async () => {
    await store.set(`${NODE_PREFIX}${node}`, JSON.stringify(await own()), interval * 3);
    for (const { key, value } of await store.values(CLOSE_PREFIX)) {
      if (await local.closeSession(key.slice(CLOSE_PREFIX.length), value)) await store.delete(key);
    }
  };
  // A failing store is the server's to report (stateFailurePolicy); the next tick retries.
  const safeTick = () => void tick().catch(() => {});
  const timer = setInterval(safeTick, interval).unref();
  safeTick();

  /** Every node's sessions: this node's fresh, the others' as last published. */
  const sessions = async (): Promise<SessionSnapshot[]> => {
    const published = await store.values(NODE_PREFIX);
    const others = published.filter((entry) => entry.key !== `${NODE_PREFIX}${node}`).flatMap((entry) => parseSessions(entry.value));
    return [...(await own()), ...others].sort((a, b) => a.connectedAt.localeCompare(b.connectedAt));
  };
  /** Ask the node holding session `id` to close it (it expires if that node is gone). */
  const requestClose = (id: string, reason: string) => store.set(`${CLOSE_PREFIX}${id}`, reason, interval * 10);

  return {
    sessions,
    async session(id) {
      return (await sessions()).find((s) => s.id === id);
    },
    async closeSession(id, reason = ADMIN_CLOSE_REASON) {
      if (await local.closeSession(id, reason)) return true;
      if (!(await sessions()).some((s) => s.id === id)) return false;
      await requestClose(id, reason);
      return true;
    },
    bans: () => local.bans(),
    async ban(address, durationMs) {
      const ban = await local.ban(address, durationMs); // closes this node's sessions from it
      const elsewhere = (await sessions()).filter((s) => s.node !== node && s.address === ban.address);
      await Promise.all(elsewhere.map((s) => requestClose(s.id, BANNED_REASON)));
      return ban;
    },
    unban: (address) => local.unban(address),
    async stop() {
      clearInterval(timer);
      await store.delete(`${NODE_PREFIX}${node}`).catch(() => {});
    },
  };
}
