/**
 * FtpServer: listens, admits connections within the limits, keeps the session
 * registry, runs command middleware and emits typed events. It never installs signal
 * handlers: stopping is the host's call (`close()`).
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { dispatch, interrupts } from './commands/dispatch.js';
import type { CommandRegistry } from './commands/registry.js';
import { builtinRegistry } from './commands/table.js';
import type { CommandMiddleware, CommandSpec } from './commands/types.js';
import type { ServerContext } from './context.js';
import { SafeEmitter } from './safe-emitter.js';
import { toError } from './errors.js';
import { PassivePortPool } from './data/passive.js';
import { admitConnection, refuseConnection } from './hooks/connection.js';
import { scopeToVerbs } from './hooks/middleware.js';
import type { TransferHook } from './hooks/types.js';
import { attachLogger } from './logging.js';
import { resolveOptions, type FtpServerOptions, type ResolvedOptions } from './options.js';
import { ClientResolver, socketPeer, type ClientPeer } from './net/client-address.js';
import { Defender } from './security/defender.js';
import { evictQuietestPreLogin } from './security/eviction.js';
import { releaseUserSession } from './security/limits.js';
import { ServerSession, type SessionOwner } from './session.js';
import type { Session } from './session-view.js';
import { StateUnavailableError } from './state/guarded-store.js';
import { SharedState } from './state/shared-state.js';
import type { StateStore } from './state/store.js';
import { TlsEngine } from './tls/engine.js';
import type { TlsCertificate } from './tls/options.js';
import { secureDataSocket } from './tls/policy.js';

/** Options of {@link FtpServer.close}. */
export interface CloseOptions {
  /** Milliseconds running transfers may take to finish before they are aborted. Default 10 s. */
  timeout?: number;
}

/**
 * An FTP/FTPS server: create it with the options (at least `authenticate`), add
 * middleware, commands and transfer hooks, then `listen()`; `close()` stops it.
 *
 * The hook lifecycle, in order, for every connection:
 * 1. the defender's lists and bans and the connection limits, then the `connection`
 *    hook (accept or refuse by address), the 'connect' event and the 220 banner;
 * 2. `beforeLogin` on USER, then `authenticate` on PASS (which returns the user's
 *    FileSystem and permissions), then the 'login' event;
 * 3. per command: the 'command' event, the middleware chain (`use()`, in registration
 *    order) and then the verb's handler, then 'command-end';
 * 4. for a transfer: each hook's `before` (veto or change the target), its `transform`
 *    of the data, the bytes moved ('transfer-start', 'transfer-progress'), each
 *    `after` with the honest outcome, the final reply (226, 426, 451, ...), and then the
 *    'transfer-end' event.
 *
 * Events only observe: a listener that throws is reported as 'error' and never breaks a
 * session. The library installs no signal handlers.
 */
export class FtpServer extends SafeEmitter {
  /** The options in force, defaults filled in. */
  readonly options: ResolvedOptions;
  private readonly registry: CommandRegistry;
  private readonly middleware: CommandMiddleware[] = [];
  private readonly transferHooks: TransferHook[] = [];
  private readonly live = new Set<ServerSession>();
  /** Connections admitted but not yet sessions (lease pending, TLS handshake, hook). */
  private admitting = 0;
  /** The `maxConnectionsPerIp` lease holder of each session. */
  private readonly connectionLeases = new Map<ServerSession, string>();
  private readonly shared: SharedState;
  /**
   * Sessions that have not logged in, least recently active first (re-inserted on every
   * command). Sessions that logged in since are skipped and dropped from it lazily.
   */
  private readonly preLogin = new Set<ServerSession>();
  private readonly context: ServerContext;
  /** What sessions call back: run a command, report activity and their close. */
  private readonly sessionOwner: SessionOwner;
  /** Failed-login accounting and bans: `isBanned`, `bannedUntil`, `unban`. */
  readonly defender: Defender;
  private listener: Server | undefined;
  private implicitListener: Server | undefined;
  private readonly tls: TlsEngine | undefined;
  /** Connections still reading their PROXY header or in their implicit-FTPS handshake (not sessions yet), with when they came. */
  private readonly handshaking = new Map<Socket, number>();
  private closing = false;

  /** Checks and resolves `options`; throws a `TypeError` for a contradiction in them. */
  constructor(options: FtpServerOptions) {
    super();
    this.options = resolveOptions(options);
    const passivePorts = new PassivePortPool(this.options.passivePorts, this.options.dataBufferSize);
    this.shared = new SharedState(this.options, (err) => this.safeEmit('error', [err]));
    if (!this.options.tls && Object.values(this.options.virtualHosts ?? {}).some((host) => host.tls)) {
      throw new TypeError('FtpServer: virtualHosts with a certificate need the tls option');
    }
    if (this.options.tls) {
      // Only a store of the host's own is shared with other processes: keep local keys otherwise.
      this.tls = new TlsEngine(this.options.tls, this.options.virtualHosts, this.options.state && this.shared.store);
    }
    this.registry = builtinRegistry(this.options);
    this.defender = new Defender(this.options.defender, (event) => this.safeEmit('address-banned', [event]), Date.now, this.shared.store);
    const clients = this.options.proxyProtocol && new ClientResolver(this.options.proxyProtocol);
    this.context = {
      options: this.options,
      middleware: this.middleware,
      transferHooks: this.transferHooks,
      passivePorts,
      clients,
      tls: this.tls,
      defender: this.defender,
      state: this.shared,
      emit: (event, ...args) => this.safeEmit(event, args),
      listens: (event) => this.listenerCount(event) > 0,
    };
    this.sessionOwner = {
      run: (session, verb, arg) => dispatch(this.registry, session, verb, arg),
      duringTransfer: (verb) => this.registry.get(verb)?.duringTransfer === true,
      interruptsCommand: (session, { verb, arg }) => interrupts(session, this.registry.get(verb), arg),
      preLoginActivity: (session) => {
        this.preLogin.delete(session);
        this.preLogin.add(session);
      },
      sessionClosed: (session) => this.forget(session),
    };
    if (this.options.logger) attachLogger(this, this.options.logger);
  }

  /** The address the server listens on, once listening. */
  get address(): AddressInfo | undefined {
    const address = this.listener?.address();
    return typeof address === 'object' && address ? address : undefined;
  }

  /** The address of the implicit-FTPS listener (`tls.implicitPort`), once listening. */
  get implicitAddress(): AddressInfo | undefined {
    const address = this.implicitListener?.address();
    return typeof address === 'object' && address ? address : undefined;
  }

  /**
   * Replace the TLS certificate for new handshakes without dropping any session
   * (established connections keep theirs; TLS sessions still resume). Without an
   * argument, re-read the files named in the `tls` option (certificate renewal).
   */
  setSecureContext(certificate?: TlsCertificate): void {
    if (!this.tls) throw new Error('FtpServer: TLS is not configured (no tls option)');
    this.tls.setSecureContext(certificate);
  }

  /**
   * The state store the limits use (the `state` option behind its timeout and failure
   * policy, or the in-process default). Build quotas and token buckets shared across a
   * fleet on it: `new StorageQuota({ maxBytes, state: server.state, key: username })`.
   */
  get state(): StateStore {
    return this.shared.store;
  }

  /** The sessions currently connected. */
  get sessions(): ReadonlySet<Session> {
    return this.live;
  }

  /**
   * Add command middleware, run for every command in registration order; or, with a
   * verb or list of verbs first, only for those verbs. A middleware may rewrite
   * `ctx.arg`, answer with `ctx.reply()` and not call `next()` (veto), or look at
   * `ctx.replies` after `await next()`. One that throws answers 451 and emits 'error'.
   */
  use(middleware: CommandMiddleware): this;
  /** Add command middleware that runs only for `verbs` (see the other overload). */
  use(verbs: string | readonly string[], middleware: CommandMiddleware): this;
  use(a: CommandMiddleware | string | readonly string[], b?: CommandMiddleware): this {
    const middleware = typeof a === 'function' ? a : b && scopeToVerbs(a, b);
    if (typeof middleware !== 'function') throw new TypeError('FtpServer.use: a middleware function is required');
    this.middleware.push(middleware);
    return this;
  }

  /** Add or replace a verb. It appears in HELP, and in FEAT when `spec.feat` says so. */
  addCommand(verb: string, spec: CommandSpec): this {
    this.registry.add(checkName('addCommand', verb), spec);
    return this;
  }

  /** Add or replace a `SITE` subcommand; it appears in `SITE HELP`, and in FEAT when `spec.feat` says so. */
  addSiteCommand(name: string, spec: CommandSpec): this {
    this.registry.addSite(checkName('addSiteCommand', name), spec);
    return this;
  }

  /**
   * Add hooks around file transfers (RETR, STOR, APPE, STOU): `before` may veto or
   * redirect, `transform` sees the bytes, `after` gets the outcome before the client
   * gets its final reply and may reject (and remove) an upload. Run in registration order.
   */
  addTransferHook(hook: TransferHook): this {
    this.transferHooks.push(hook);
    return this;
  }

  /** Start listening; resolves with the bound address (port 0 picks a free port). */
  async listen(): Promise<AddressInfo> {
    if (this.listener) throw new Error('FtpServer is already listening');
    this.closing = false;
    const implicitPort = this.options.tls?.implicitPort;
    this.listener = createServer({ noDelay: true }, (socket) => this.accept(socket, this.options.tls?.implicit === true));
    if (implicitPort !== undefined) this.implicitListener = createServer({ noDelay: true }, (socket) => this.accept(socket, true));
    try {
      await this.bind(this.listener, this.options.port);
      if (this.implicitListener) await this.bind(this.implicitListener, implicitPort!);
    } catch (err) {
      this.listener.close();
      this.implicitListener?.close();
      this.listener = this.implicitListener = undefined;
      throw err;
    }
    await this.tls?.ticketKeys?.start();
    const address = this.address!;
    this.safeEmit('listening', [address]);
    return address;
  }

  private bind(listener: Server, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      listener.once('error', reject);
      listener.listen({ host: this.options.host, port }, () => {
        listener.off('error', reject);
        listener.on('error', (err) => this.safeEmit('error', [err]));
        resolve();
      });
    });
  }

  /**
   * Stop accepting connections, let running transfers finish until the deadline, then
   * end every session with 421. Resolves when every control connection has closed.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    this.closing = true;
    const closed = Promise.all(
      [this.listener, this.implicitListener].map((l) => (l ? new Promise<void>((resolve) => l.close(() => resolve())) : undefined)),
    );
    for (const socket of this.handshaking.keys()) socket.destroy();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.timeout ?? 10_000).unref()));
    try {
      await Promise.all(
        [...this.live].map(async (session) => {
          if (session.transfer) await Promise.race([session.transfer.done, deadline]);
          const overdue = session.transfer;
          await session.close('Server shutting down.');
          await overdue?.done; // its data socket is destroyed before it settles
        }),
      );
    } finally {
      clearTimeout(timer);
    }
    await closed;
    this.shared.leases.stop();
    this.tls?.ticketKeys?.stop();
    this.listener = this.implicitListener = undefined;
    this.safeEmit('close', []);
  }

  /**
   * A new connection: within this node's `maxConnections` (making room if needed), then
   * its client found (the PROXY header of a trusted balancer), then admitted.
   */
  private accept(socket: Socket, implicitTls: boolean): void {
    // maxConnections is this node's own; the per-address slots are shared by the fleet.
    if (this.live.size + this.admitting >= this.options.maxConnections && !evictQuietestPreLogin(this.preLogin, this.handshaking)) {
      return refuseConnection(socket, 'Too many connections, try again later.');
    }
    this.admitting++;
    socket.on('error', () => {}); // a client gone while its checks run
    const clients = this.context.clients;
    const direct = socketPeer(socket);
    if (!clients?.trusts(direct.address)) return this.admit(socket, direct, implicitTls);
    this.handshaking.set(socket, performance.now());
    clients.resolve(socket).then(
      (peer) => {
        this.handshaking.delete(socket);
        if (!this.closing) return this.admit(socket, peer, implicitTls);
        this.admitting--;
        socket.destroy();
      },
      (err: Error) => {
        this.handshaking.delete(socket);
        this.admitting--;
        socket.destroy();
        if (!this.closing) this.safeEmit('error', [new Error(`connection from ${direct.address} closed: ${err.message}`)]);
      },
    );
  }

  /** Check the client's address (lists, bans, its fleet-wide connection slots), then go on to the handshake. */
  private admit(socket: Socket, peer: ClientPeer, implicitTls: boolean): void {
    const lease = this.shared.leases.newHolder();
    void this.checkAddress(peer.address, lease).then(
      (refusal) => {
        if (refusal === undefined) return this.handshake(socket, peer, lease, implicitTls);
        this.admitting--;
        refuseConnection(socket, refusal);
      },
      (err: unknown) => {
        this.admitting--;
        // A failing store was reported once (stateFailurePolicy); anything else is a bug.
        if (!(err instanceof StateUnavailableError)) this.safeEmit('error', [toError(err)]);
        refuseConnection(socket, 'Service not available, try again later.');
      },
    );
  }

  /** Why `address` is refused (deny list, ban, too many connections), else undefined with its slot taken. */
  private async checkAddress(address: string, lease: string): Promise<string | undefined> {
    const refusal = await this.defender.refusal(address);
    if (refusal) return refusal;
    const granted = await this.shared.leases.acquire(addressKey(address), lease, this.options.maxConnectionsPerIp);
    return granted ? undefined : 'Too many connections, try again later.';
  }

  private handshake(socket: Socket, peer: ClientPeer, lease: string, implicitTls: boolean): void {
    if (socket.destroyed) return this.release(peer.address, lease);
    if (!implicitTls) return this.start(socket, peer, lease, false);
    // Implicit FTPS: the handshake comes first; it counts against the limits meanwhile.
    const secured = this.tls!.secureControl(socket, undefined);
    this.handshaking.set(secured, performance.now());
    this.tls!.handshake(secured).then(
      () => {
        this.handshaking.delete(secured);
        this.start(secured, peer, lease, true);
      },
      () => {
        this.handshaking.delete(secured);
        this.release(peer.address, lease);
      },
    );
  }

  /** Run the connection hook (after an implicit-FTPS handshake, so a 421 is readable), then greet. */
  private start(socket: Socket, peer: ClientPeer, lease: string, secure: boolean): void {
    const report = (err: Error) => this.safeEmit('error', [err]);
    void admitConnection(socket, { address: peer.address, port: peer.port, secure }, this.options.connection, report).then((banner) => {
      if (banner === false || this.closing) {
        if (banner !== false) refuseConnection(socket, 'Server shutting down.');
        return this.release(peer.address, lease);
      }
      this.admitting--;
      const session = new ServerSession(this.context, this.sessionOwner, socket, peer);
      this.connectionLeases.set(session, lease);
      if (this.tls) session.secureDataSocket = (data) => secureDataSocket(session, data);
      if (secure) {
        // Implicit FTPS protects data connections unless the client asks for PROT C.
        session.connection.secure = session.protectData = session.pbszSet = true;
      }
      this.live.add(session);
      this.preLogin.add(session);
      this.safeEmit('connect', [session]);
      session.greet(banner ?? this.options.greeting);
    });
  }

  /** A connection that never became a session gives its slot back. */
  private release(address: string, lease: string): void {
    this.admitting--;
    this.dropLease(address, lease);
  }

  private dropLease(address: string, lease: string): void {
    this.shared.leases.release(addressKey(address), lease).catch((err: unknown) => {
      // An unreachable store was reported once; the slot expires there by itself.
      if (!(err instanceof StateUnavailableError)) this.safeEmit('error', [toError(err)]);
    });
  }

  private forget(session: ServerSession): void {
    this.preLogin.delete(session);
    if (!this.live.delete(session)) return;
    const lease = this.connectionLeases.get(session);
    this.connectionLeases.delete(session);
    if (lease) this.dropLease(session.remoteAddress, lease);
    releaseUserSession(session);
    this.safeEmit('disconnect', [session]);
  }
}

/** The state key of an address's connection slots (`maxConnectionsPerIp`). */
const addressKey = (address: string) => `ip:${address}`;

/** Verbs and SITE subcommand names are single words of letters and digits. */
function checkName(method: string, name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new TypeError(`FtpServer.${method}: invalid command name ${JSON.stringify(name)}`);
  return name;
}
