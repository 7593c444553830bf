/**
 * The failed-login defender (RFC 2577 section 5, vsftpd's and fail2ban's defaults):
 * every failed PASS is answered only after a delay, a session is closed after a few
 * failures, and an address that keeps failing across sessions is banned for a while,
 * longer each time. Allow and deny lists refuse addresses before the banner.
 *
 * Failure counts and bans live in the server's state store, so with a shared store
 * (Redis, a cluster primary) an address banned through one node is refused by every
 * node. The delay is an async wait in the failing session only, so it never slows
 * anyone else.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Session } from '../session-view.js';
import { MemoryStateStore } from '../state/memory-store.js';
import type { StateStore } from '../state/store.js';
import { normalizeAddress } from './address.js';
import { CidrList } from './cidr.js';

/** Options of the defender (`FtpServerOptions.defender`). */
export interface DefenderOptions {
  /** Milliseconds to wait before answering a failed PASS. Default 1000. */
  failedLoginDelay?: number;
  /** Failed logins in one session before it is closed with 421. Default 3. */
  maxLoginFailuresPerSession?: number;
  /** Failed logins from one address within `banWindow` that ban it. Default 10; 0 disables bans. */
  banAfterFailures?: number;
  /** Milliseconds over which failures are counted towards a ban. Default 10 min. */
  banWindow?: number;
  /** Length of a first ban in milliseconds; each further ban of the address doubles it. Default 15 min. */
  banDuration?: number;
  /** Longest ban, in milliseconds. Default 24 h. */
  maxBanDuration?: number;
  /** When not empty, only addresses in these CIDR blocks may connect. Default: any. */
  allowList?: readonly string[];
  /** Addresses in these CIDR blocks are refused with 421 before the banner. Default: none. */
  denyList?: readonly string[];
}

/** What 'address-banned' listeners receive. */
export interface AddressBannedEvent {
  address: string;
  /** When the ban ends. */
  until: Date;
  /** Failed logins within the window that triggered it; 0 for a ban set with `ban()`. */
  failures: number;
  /** How many times this address has been banned, this one included. */
  bans: number;
}

/** A ban in force, as {@link Defender.bans} lists it. */
export interface Ban {
  address: string;
  /** When it ends. */
  until: Date;
  /** How many times this address has been banned, this one included. */
  bans: number;
}

/** What to do with a session after a failed login. */
export type FailureVerdict = 'retry' | 'disconnect';

/** The stored ban record of an address: when its ban ends and how many it had. */
interface BanRecord {
  until: number;
  bans: number;
}

export const DEFENDER_DEFAULTS: Required<DefenderOptions> = Object.freeze({
  failedLoginDelay: 1000,
  maxLoginFailuresPerSession: 3,
  banAfterFailures: 10,
  banWindow: 10 * 60_000,
  banDuration: 15 * 60_000,
  maxBanDuration: 24 * 60 * 60_000,
  allowList: [],
  denyList: [],
});

/**
 * The failed-login defender of a server (`server.defender`): delays answers to failed
 * logins, closes sessions after repeated failures, bans addresses that keep failing
 * (longer each time) and applies the allow and deny lists, as the module comment says. Its checks are
 * async because bans may live in a shared store.
 */
export class Defender {
  private readonly allow: CidrList;
  private readonly deny: CidrList;
  private readonly sessionFailures = new WeakMap<Session, number>();
  private readonly store: StateStore;

  /**
   * @param options resolved options (see `resolveOptions`)
   * @param onBan told about every new ban (the server emits 'address-banned')
   * @param now the clock, replaceable in tests
   * @param store where failures and bans are kept; default an in-process store on `now`
   */
  constructor(
    private readonly options: Required<DefenderOptions>,
    private readonly onBan: (event: AddressBannedEvent) => void,
    private readonly now: () => number = Date.now,
    store?: StateStore,
  ) {
    this.allow = new CidrList(this.options.allowList);
    this.deny = new CidrList(this.options.denyList);
    this.store = store ?? new MemoryStateStore({ now });
  }

  /** Why a connection from `address` must be refused, or undefined to admit it. */
  async refusal(address: string): Promise<string | undefined> {
    if (this.deny.matches(address)) return 'Access denied.';
    if (this.allow.size > 0 && !this.allow.matches(address)) return 'Access denied.';
    if ((await this.banEnd(address)) > this.now()) return 'Too many failed logins from your address; try again later.';
    return undefined;
  }

  /** Whether `address` is banned right now (by any node sharing the store). */
  async isBanned(address: string): Promise<boolean> {
    return (await this.banEnd(address)) > this.now();
  }

  /** When the current ban of `address` ends, or undefined when it is not banned. */
  async bannedUntil(address: string): Promise<Date | undefined> {
    const until = await this.banEnd(address);
    return until > this.now() ? new Date(until) : undefined;
  }

  /** Lift a ban and forget the address's failures (its escalation starts over), on every node. */
  async unban(address: string): Promise<void> {
    await Promise.all([this.store.delete(banKey(address)), this.store.delete(failureKey(address))]);
  }

  /** The bans in force now (on every node sharing the store), the soonest to end first. */
  async bans(): Promise<Ban[]> {
    const now = this.now();
    const bans: Ban[] = [];
    for (const { key, value } of await this.store.values(BAN_PREFIX)) {
      const record = parseBan(value);
      if (record && record.until > now) bans.push({ address: key.slice(BAN_PREFIX.length), until: new Date(record.until), bans: record.bans });
    }
    return bans.sort((a, b) => a.until.getTime() - b.until.getTime());
  }

  /**
   * Ban `address` for `durationMs` from now on every node, replacing any ban in force (an
   * administrator's ban; it counts towards the address's escalation). Emits like any ban.
   */
  async ban(address: string, durationMs: number): Promise<Ban> {
    if (!(durationMs > 0 && Number.isFinite(durationMs))) throw new RangeError('Defender.ban: durationMs must be a positive number');
    const key = normalizeAddress(address);
    const bans = ((await this.banOf(key))?.bans ?? 0) + 1;
    const until = await this.writeBan(key, bans, durationMs);
    this.onBan({ address: key, until, failures: 0, bans });
    return { address: key, until, bans };
  }

  /**
   * Count a failed login of `session`, ban its address when it crossed the limit, then
   * wait the failed-login delay. Says whether the session may try again.
   */
  async loginFailed(session: Session): Promise<FailureVerdict> {
    const inSession = (this.sessionFailures.get(session) ?? 0) + 1;
    this.sessionFailures.set(session, inSession);
    const banned = await this.record(session.remoteAddress);
    if (this.options.failedLoginDelay > 0) await sleep(this.options.failedLoginDelay, undefined, { ref: false });
    return banned || inSession >= this.options.maxLoginFailuresPerSession ? 'disconnect' : 'retry';
  }

  /** Record one failure of `address`; true when it is (now) banned. */
  private async record(address: string): Promise<boolean> {
    const { banAfterFailures, banWindow, banDuration, maxBanDuration } = this.options;
    const previous = await this.banOf(address);
    const now = this.now();
    if (previous && previous.until > now) return true; // failures during a ban do not extend it
    if (banAfterFailures <= 0) return false;
    const failures = await this.store.increment(failureKey(address), 1, banWindow);
    // Exactly one failure (on one node) reaches the limit, and that one bans; a racing
    // failure past it finds the ban written or about to be.
    if (failures !== banAfterFailures) return failures > banAfterFailures;
    const bans = (previous?.bans ?? 0) + 1;
    const duration = Math.min(maxBanDuration, banDuration * 2 ** (bans - 1));
    const until = await this.writeBan(address, bans, duration);
    this.onBan({ address, until, failures, bans });
    return true;
  }

  /** Store the ban of `address` (its `bans`-th) for `duration` ms and forget its failures; returns its end. */
  private async writeBan(address: string, bans: number, duration: number): Promise<Date> {
    const until = this.now() + duration;
    // Escalation is remembered for `maxBanDuration` (or the window) after the ban ends.
    const memory = duration + Math.max(this.options.banWindow, this.options.maxBanDuration);
    await this.store.set(banKey(address), JSON.stringify({ until, bans } satisfies BanRecord), memory);
    await this.store.delete(failureKey(address));
    return new Date(until);
  }

  /** When the last ban of `address` ends (ms), 0 without one: the check every connection and login makes, one store call deep. */
  private async banEnd(address: string): Promise<number> {
    const stored = await this.store.get(banKey(address));
    return stored === undefined ? 0 : (parseBan(stored)?.until ?? 0);
  }

  private async banOf(address: string): Promise<BanRecord | undefined> {
    const stored = await this.store.get(banKey(address));
    return stored === undefined ? undefined : parseBan(stored);
  }
}

/** A stored ban record, or undefined for a value that is not one (ignored rather than failing every login). */
function parseBan(stored: string): BanRecord | undefined {
  try {
    const record = JSON.parse(stored) as BanRecord;
    return typeof record.until === 'number' && typeof record.bans === 'number' ? record : undefined;
  } catch {
    return undefined;
  }
}

const BAN_PREFIX = 'ban:';
const banKey = (address: string) => `${BAN_PREFIX}${address}`;
const failureKey = (address: string) => `fail:${address}`;
