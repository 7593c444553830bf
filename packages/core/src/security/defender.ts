/**
 * The failed-login defender (RFC 2577 section 5, vsftpd's and fail2ban's defaults):
 * every failed PASS is answered only after a delay, a session is closed after a few
 * failures, and an address that keeps failing across sessions is banned for a while,
 * longer each time. Allow and deny lists refuse addresses before the banner.
 *
 * The state lives in the server, shared by every session; the delay is an async wait
 * in the failing session only, so it never slows anyone else.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Session } from '../session.js';
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

interface AddressRecord {
  /** Times of recent failures, oldest first, at most `banAfterFailures` of them. */
  failures: number[];
  bans: number;
  bannedUntil: number;
  lastSeen: number;
}

/** Addresses tracked at most; beyond it the least recently seen are forgotten. */
const MAX_TRACKED_ADDRESSES = 100_000;
const SWEEP_INTERVAL_MS = 60_000;

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
 * (longer each time) and applies the allow and deny lists, as the module comment says.
 */
export class Defender {
  private readonly allow: CidrList;
  private readonly deny: CidrList;
  private readonly records = new Map<string, AddressRecord>();
  private readonly sessionFailures = new WeakMap<Session, number>();
  private lastSweep = 0;

  /**
   * @param options resolved options (see `resolveOptions`)
   * @param onBan told about every new ban (the server emits 'address-banned')
   * @param now the clock, replaceable in tests
   */
  constructor(
    private readonly options: Required<DefenderOptions>,
    private readonly onBan: (event: AddressBannedEvent) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.allow = new CidrList(this.options.allowList);
    this.deny = new CidrList(this.options.denyList);
  }

  /** Why a connection from `address` must be refused, or undefined to admit it. */
  refusal(address: string): string | undefined {
    if (this.deny.matches(address)) return 'Access denied.';
    if (this.allow.size > 0 && !this.allow.matches(address)) return 'Access denied.';
    if (this.isBanned(address)) return 'Too many failed logins from your address; try again later.';
    return undefined;
  }

  /** Whether `address` is banned right now. */
  isBanned(address: string): boolean {
    return this.bannedUntil(address) !== undefined;
  }

  /** When the current ban of `address` ends, or undefined when it is not banned. */
  bannedUntil(address: string): Date | undefined {
    const until = this.records.get(address)?.bannedUntil ?? 0;
    return until > this.now() ? new Date(until) : undefined;
  }

  /** Lift a ban and forget the address's failures (its escalation starts over). */
  unban(address: string): void {
    this.records.delete(address);
  }

  /** The bans in force now, the soonest to end first. */
  bans(): Ban[] {
    const now = this.now();
    const bans: Ban[] = [];
    for (const [address, record] of this.records) {
      if (record.bannedUntil > now) bans.push({ address, until: new Date(record.bannedUntil), bans: record.bans });
    }
    return bans.sort((a, b) => a.until.getTime() - b.until.getTime());
  }

  /**
   * Ban `address` for `durationMs` from now, replacing any ban in force (an
   * administrator's ban; it counts towards the address's escalation). Emits like any ban.
   */
  ban(address: string, durationMs: number): Ban {
    if (!(durationMs > 0 && Number.isFinite(durationMs))) throw new RangeError('Defender.ban: durationMs must be a positive number');
    const now = this.now();
    this.sweep(now);
    const key = normalizeAddress(address);
    const record = this.touch(key, now);
    record.failures = [];
    record.bans++;
    record.bannedUntil = now + durationMs;
    const until = new Date(record.bannedUntil);
    this.onBan({ address: key, until, failures: 0, bans: record.bans });
    return { address: key, until, bans: record.bans };
  }

  /**
   * Count a failed login of `session`, ban its address when it crossed the limit, then
   * wait the failed-login delay. Says whether the session may try again.
   */
  async loginFailed(session: Session): Promise<FailureVerdict> {
    const inSession = (this.sessionFailures.get(session) ?? 0) + 1;
    this.sessionFailures.set(session, inSession);
    const banned = this.record(session.remoteAddress);
    if (this.options.failedLoginDelay > 0) await sleep(this.options.failedLoginDelay, undefined, { ref: false });
    return banned || inSession >= this.options.maxLoginFailuresPerSession ? 'disconnect' : 'retry';
  }

  /** Record one failure of `address`; true when it is (now) banned. */
  private record(address: string): boolean {
    const now = this.now();
    this.sweep(now);
    const { banAfterFailures, banWindow, banDuration, maxBanDuration } = this.options;
    const record = this.touch(address, now);
    if (record.bannedUntil > now) return true;
    if (banAfterFailures <= 0) return false;
    record.failures.push(now);
    while (record.failures.length > 0 && (record.failures[0]! <= now - banWindow || record.failures.length > banAfterFailures)) {
      record.failures.shift();
    }
    if (record.failures.length < banAfterFailures) return false;
    const failures = record.failures.length;
    record.failures = [];
    record.bans++;
    const duration = Math.min(maxBanDuration, banDuration * 2 ** (record.bans - 1));
    record.bannedUntil = now + duration;
    this.onBan({ address, until: new Date(record.bannedUntil), failures, bans: record.bans });
    return true;
  }

  /** The record of `address` (a new one if none), marked as seen now. */
  private touch(address: string, now: number): AddressRecord {
    const record = this.records.get(address) ?? { failures: [], bans: 0, bannedUntil: 0, lastSeen: now };
    // Re-insert so the map stays ordered by last activity (oldest first, for eviction).
    this.records.delete(address);
    this.records.set(address, record);
    record.lastSeen = now;
    return record;
  }

  /** Forget addresses with nothing left to remember, and the oldest beyond the cap. */
  private sweep(now: number): void {
    if (now - this.lastSweep >= SWEEP_INTERVAL_MS) {
      this.lastSweep = now;
      // Escalation is remembered for `maxBanDuration` after the last activity.
      const horizon = Math.max(this.options.banWindow, this.options.maxBanDuration);
      for (const [address, record] of this.records) {
        if (record.bannedUntil <= now && now - record.lastSeen > horizon) this.records.delete(address);
      }
    }
    for (const address of this.records.keys()) {
      if (this.records.size < MAX_TRACKED_ADDRESSES) break;
      this.records.delete(address);
    }
  }
}

