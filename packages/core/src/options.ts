/** Server options and their defaults. */
import type { AuthError } from './hooks/auth-error.js';
import type { AuthRequest, AuthResult } from './hooks/authenticate.js';
import { HASH_DEFAULTS, type HashOptions } from './fs/hash.js';
import type { BeforeLoginHook, ConnectionHook } from './hooks/types.js';
import type { Logger } from './logging.js';
import type { StateFailurePolicy } from './state/guarded-store.js';
import type { StateStore } from './state/store.js';
import type { ProxyProtocolOptions } from './net/client-address.js';
import { DEFENDER_DEFAULTS, type DefenderOptions } from './security/defender.js';
import type { Session } from './session-view.js';
import type { TlsOptions, VirtualHost } from './tls/options.js';

/** Passive data port range, inclusive. */
export interface PortRange {
  /** Lowest port, inclusive. */
  min: number;
  /** Highest port, inclusive. */
  max: number;
  /**
   * Added to the listening port in PASV/EPSV replies, for when clients reach the node on
   * other ports than it listens on (a Kubernetes NodePort, a NAT that shifts ports):
   * `{ min: 50000, max: 50099, advertisedOffset: -20000 }` listens on 50000-50099 and
   * advertises 30000-30099. Default 0.
   */
  advertisedOffset?: number;
}

/** Options of {@link FtpServer}. */
export interface FtpServerOptions {
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port to listen on; 0 picks a free one. Default 21. */
  port?: number;
  /**
   * Checks a login and returns the user's file system. Reject (ideally with
   * {@link AuthError}) to refuse it; the client gets `530`.
   */
  authenticate: (request: AuthRequest) => Promise<AuthResult> | AuthResult;
  /**
   * Runs on USER, before a password is asked for: throw {@link AuthError} to refuse the
   * name at once (530 with its message), or return `{ requireTls: true }` to accept it
   * only on a TLS-protected connection.
   */
  beforeLogin?: BeforeLoginHook;
  /**
   * Runs for every accepted connection before the banner: refuse it by address
   * (`{ accept: false, message }` → 421 and close) or choose its banner.
   */
  connection?: ConnectionHook;
  /** Treat `anonymous` and `ftp` as anonymous logins with any password. Default false. */
  anonymous?: boolean;
  /** The 220 banner text. Default `ftpkit ready`. */
  greeting?: string;
  /** Passive ports to use; default: any free port chosen by the OS. */
  passivePorts?: PortRange;
  /**
   * Address advertised in PASV replies: a fixed IPv4 address, a host name (resolved to
   * IPv4, the answer reused for 30 s) or a function of the session (NAT, several
   * interfaces). Default: the local address of the control connection.
   */
  publicHost?: string | ((session: Session) => string | Promise<string>);
  /**
   * PROXY protocol v1/v2 from trusted balancers (HAProxy `send-proxy-v2`, AWS NLB, ...)
   * on the control, implicit-TLS and passive data listeners: connections from
   * `trusted` must start with a header, whose client address then stands for the
   * connection everywhere. Default: off, every address is the socket's peer.
   */
  proxyProtocol?: ProxyProtocolOptions;
  /** Most simultaneous control connections. Default 1000. */
  maxConnections?: number;
  /** Most simultaneous control connections from one IP address. Default 50. */
  maxConnectionsPerIp?: number;
  /** Most simultaneous logged-in sessions of one user name; more logins get 530. Default unlimited. */
  maxSessionsPerUser?: number;
  /** Failed-login delay, per-session and per-address limits, bans, allow and deny lists. */
  defender?: DefenderOptions;
  /**
   * Where bans, failed-login counts, `maxSessionsPerUser` and `maxConnectionsPerIp`
   * slots (and the quotas, buckets and TLS ticket keys built on `server.state`) live.
   * Give every node of a fleet the same store (e.g. `RedisStateStore` from
   * `@ftpkit/store-redis`) and the limits hold across the fleet. Default: this process.
   */
  state?: StateStore;
  /**
   * While `state` cannot be reached: `closed` refuses new connections and logins with
   * 421 (and logs it), `open` falls back to this node's own limits (and logs it).
   * Default `closed`.
   */
  stateFailurePolicy?: StateFailurePolicy;
  /** Milliseconds one call to `state` may take before it counts as failed. Default 2000. */
  stateTimeout?: number;
  /**
   * Milliseconds a lease (a session's or connection's slot, an upload's quota
   * reservation) outlives its last renewal; a node renews every third of it. A node
   * that dies frees its slots within this time. Default 30 s. Only for a `state` store:
   * the in-process default keeps slots without expiry (they die with the process).
   */
  leaseTtl?: number;
  /** Milliseconds a client may take to log in before it is disconnected. Default 60 s. */
  loginTimeout?: number;
  /** Milliseconds without a command (and without a transfer) before disconnect. Default 300 s. */
  idleTimeout?: number;
  /** Milliseconds to wait for a data connection to be made. Default 30 s. */
  dataConnectTimeout?: number;
  /**
   * Milliseconds a running transfer may move no data before it is aborted with 426
   * (vsftpd's data_connection_timeout): the idle timeout is paused during transfers,
   * so this is what ends a stalled one. Default 300 s.
   */
  dataIdleTimeout?: number;
  /** Longest accepted command line in bytes. Default 8192. */
  maxLineLength?: number;
  /** Commands a client may queue while one is running; beyond it reading pauses. Default 32. */
  maxQueuedCommands?: number;
  /**
   * Allow PORT/EPRT to addresses other than the client's own (FXP). Default false:
   * RFC 2577 bounce protection.
   */
  allowForeignDataAddress?: boolean;
  /** Allow PORT/EPRT to ports below 1024. Default false (RFC 2577). */
  allowLowDataPorts?: boolean;
  /**
   * A pino-compatible logger (`debug/info/warn/error(obj, msg)`) for connections,
   * logins, transfers and errors. Default: no logging.
   */
  logger?: Logger;
  /** FTPS: certificates, implicit listener and TLS policy. Without it there is no TLS. */
  tls?: TlsOptions;
  /**
   * Virtual hosts selected with HOST (RFC 7151) before login, by lower-case host name:
   * each may have its own certificate and `authenticate`. HOST of another name gets 504.
   */
  virtualHosts?: Record<string, VirtualHost>;
  /**
   * Bytes a data connection queues in memory before it applies backpressure (its stream
   * high-water mark, both directions). A deep queue keeps the socket busy while the file
   * system produces the next chunk. Default 1 MiB.
   */
  dataBufferSize?: number;
  /**
   * HASH (draft-bryan-ftpext-hash-02): on, with a largest file the server reads to
   * compute a digest (1 GiB) and at most 2 computed at once. Stored digests (S3
   * checksums) cost one request and are not limited.
   */
  hash?: HashOptions;
}

/** Options with every default filled in. */
type OptionalOptions = 'state' | 'passivePorts' | 'publicHost' | 'proxyProtocol' | 'logger' | 'tls' | 'virtualHosts' | 'beforeLogin' | 'connection';
export type ResolvedOptions = Required<Omit<FtpServerOptions, OptionalOptions | 'defender' | 'hash'>> &
  Pick<FtpServerOptions, OptionalOptions> & { defender: Required<DefenderOptions>; hash: Required<HashOptions> };

export function resolveOptions(options: FtpServerOptions): ResolvedOptions {
  if (typeof options?.authenticate !== 'function') throw new TypeError('FtpServer: options.authenticate is required');
  const range = options.passivePorts;
  if (range && !(range.min > 0 && range.max <= 65535 && range.min <= range.max)) {
    throw new RangeError('FtpServer: passivePorts must satisfy 0 < min <= max <= 65535');
  }
  const offset = range?.advertisedOffset ?? 0;
  if (range && !(Number.isInteger(offset) && range.min + offset > 0 && range.max + offset <= 65535)) {
    throw new RangeError('FtpServer: passivePorts.advertisedOffset must be an integer keeping the advertised ports within 1-65535');
  }
  return {
    host: '127.0.0.1',
    port: 21,
    anonymous: false,
    greeting: 'ftpkit ready',
    maxConnections: 1000,
    maxConnectionsPerIp: 50,
    loginTimeout: 60_000,
    idleTimeout: 300_000,
    dataConnectTimeout: 30_000,
    dataIdleTimeout: 300_000,
    maxLineLength: 8192,
    maxQueuedCommands: 32,
    allowForeignDataAddress: false,
    allowLowDataPorts: false,
    dataBufferSize: 1024 * 1024,
    maxSessionsPerUser: Infinity,
    stateFailurePolicy: 'closed',
    stateTimeout: 2000,
    leaseTtl: 30_000,
    ...stripUndefined(options),
    defender: { ...DEFENDER_DEFAULTS, ...stripUndefined(options.defender ?? {}) },
    hash: { ...HASH_DEFAULTS, ...stripUndefined(options.hash ?? {}) },
  };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
