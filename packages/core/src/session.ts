/**
 * One control connection: its state, the command loop and the reply writer.
 * Commands run one at a time in arrival order; while a transfer runs, the verbs that
 * must interrupt it (ABOR, STAT, NOOP, QUIT) are answered at once.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { dispatch } from './commands/dispatch.js';
import type { ServerContext } from './context.js';
import type { DataChannel } from './data/channel.js';
import { PassiveListener } from './data/passive.js';
import type { HashAlgorithm } from './fs/hash.js';
import { MLST_FACTS, type MlstFact } from './fs/list-format.js';
import { resolvePath } from './fs/paths.js';
import { socketPeer, type ClientPeer } from './net/client-address.js';
import type { Permissions } from './options.js';
import { parseCommandLine, type ParsedCommand } from './protocol/command-line.js';
import { LineReader } from './protocol/line-reader.js';
import { formatReply } from './protocol/reply.js';
import { ReplyError } from './protocol/reply-error.js';
import { normalizeAddress } from './security/address.js';
import type { TlsPolicy } from './tls/options.js';
import type { RunningTransfer, SessionUser } from './session-types.js';

export type { RunningTransfer, SessionUser } from './session-types.js';

/** Queued in place of an over-long line, so its 500 is answered in order. */
const OVERFLOW: ParsedCommand = Object.freeze({ verb: '', arg: '' });

/** Every MLSx fact, as each session starts; OPTS MLST replaces it (never changes it in place). */
const ALL_MLST_FACTS: ReadonlySet<MlstFact> = new Set(MLST_FACTS);

/** How long a session keeps its passive listener after its last use. */
const PASSIVE_LISTENER_IDLE_MS = 2000;

/**
 * One control connection, as hooks, middleware and events see it: who the client is,
 * whether it is logged in (`user`), where it is (`cwd`) and how the connection is
 * protected. Created by the server; hosts read it and never construct one.
 */
export class Session {
  /** Unique id, for logs and host bookkeeping. */
  readonly id = randomUUID();
  /**
   * The client's IP address (IPv4-mapped IPv6 unwrapped): with `proxyProtocol`, the
   * one a trusted balancer's PROXY header named.
   */
  readonly remoteAddress: string;
  /** The client's port, as `remoteAddress` names it. */
  readonly remotePort: number;
  /** The balancer the client came through (a PROXY header), if any. */
  readonly proxyAddress: string | undefined;
  /** The server address the client connected to. */
  readonly localAddress: string;
  /** When the connection was accepted. */
  readonly connectedAt = new Date();
  /**
   * When the client last sent a whole command before logging in (`performance.now()`),
   * or connected. A full server makes room by dropping the quietest pre-login connection.
   * @internal
   */
  lastActivity = performance.now();
  /** Free-form bag for hosts and middleware. */
  readonly data: Record<string, unknown> = {};

  /** The logged-in user, once PASS succeeded. */
  user: SessionUser | undefined;
  /** Current working directory (virtual path). */
  cwd = '/';
  /** TYPE: `A` (ASCII, the RFC 959 default) or `I` (binary). */
  transferType: 'A' | 'I' = 'A';
  /** Whether the control connection is TLS-protected. */
  secure = false;
  /** Whether data connections are TLS-protected (PROT P). */
  protectData = false;
  /** The virtual host chosen with HOST (RFC 7151), lower-cased. */
  virtualHost: string | undefined;

  /** @internal Name given by USER, awaiting PASS. */
  pendingUser: string | undefined;
  /** @internal REST offset for the next file transfer (see `clearTransferParameters`). */
  restOffset = 0;
  /** @internal Path named by RNFR. */
  renameFrom: string | undefined;
  /** @internal Set by EPSV ALL: only EPSV may open data channels. */
  epsvOnly = false;
  /** @internal ALLO size hint for the next upload (see `clearTransferParameters`). */
  allocateHint: number | undefined;
  /** @internal MLSx facts chosen with OPTS MLST. */
  mlstFacts: ReadonlySet<MlstFact> = ALL_MLST_FACTS;
  /** @internal The algorithm HASH uses, chosen with OPTS HASH. */
  hashAlgorithm: HashAlgorithm = 'SHA-256';
  /** @internal The transfer in progress. */
  transfer: RunningTransfer | undefined;
  /** @internal PBSZ was accepted on this TLS session (PROT needs it, RFC 4217). */
  pbszSet = false;
  /** @internal The TLS policy the logged-in user's `AuthResult` added. */
  userTlsPolicy: TlsPolicy = {};

  private control: Socket;
  private readonly reader: LineReader;
  private readonly queue: ParsedCommand[] = [];
  private running = false;
  private dataChannel: DataChannel | undefined;
  private passive: PassiveListener | undefined;
  private loginTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private cleanedUp = false;
  private closedPromise: Promise<void>;
  private resolveClosed!: () => void;

  /** @internal Created by the server for each accepted connection. */
  constructor(
    /** @internal */ readonly server: ServerContext,
    socket: Socket,
    peer: ClientPeer = socketPeer(socket),
  ) {
    this.control = socket;
    this.remoteAddress = peer.address;
    this.remotePort = peer.port;
    this.proxyAddress = peer.via;
    this.localAddress = normalizeAddress(socket.localAddress);
    this.reader = new LineReader(server.options.maxLineLength);
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
    this.attach(socket);
    this.loginTimer = setTimeout(() => this.timeout('Login timeout, closing control connection.'), server.options.loginTimeout);
    this.loginTimer.unref();
  }

  /** Whether the control connection is gone or going. */
  get closed(): boolean {
    return this.closing || this.control.destroyed;
  }

  /** The control socket (a TLS socket after AUTH TLS). */
  get socket(): Socket {
    return this.control;
  }

  /** Resolves once the control connection has closed and the session is cleaned up. */
  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  /** Send a reply on the control connection. */
  reply(code: number, text: string | readonly string[]): void {
    if (this.control.destroyed || this.control.writableEnded) return;
    this.control.write(formatReply(code, text));
  }

  /** Resolve a client-supplied path against the working directory. */
  resolve(path: string): string {
    return resolvePath(this.cwd, path);
  }

  /** The logged-in user; throws 530 when there is none (for handlers with `auth: true`). */
  requireUser(): SessionUser {
    if (!this.user) throw new ReplyError(530, 'Please login with USER and PASS.');
    return this.user;
  }

  /** Throws 550 unless the user holds `permission`. */
  requirePermission(permission: keyof Permissions): SessionUser {
    const user = this.requireUser();
    if (!user.permissions[permission]) throw new ReplyError(550, 'Permission denied.');
    return user;
  }

  /**
   * Switch the control connection to another socket (AUTH TLS wraps the plain one).
   * Commands that arrived after the one switching, and a partial line, are dropped:
   * plaintext pipelined behind AUTH TLS must never run as if protected (RFC 4217 4.1).
   * @internal
   */
  replaceSocket(socket: Socket): void {
    this.control.removeAllListeners('data');
    this.queue.length = 0;
    this.reader.reset();
    this.control = socket;
    this.attach(socket);
  }

  /** @internal Mark the session as logged in. */
  loggedIn(user: SessionUser, home: string): void {
    this.user = user;
    this.pendingUser = undefined;
    this.cwd = home;
    clearTimeout(this.loginTimer);
    this.loginTimer = undefined;
  }

  /** @internal Forget the user and every per-login state (REIN). */
  reset(): void {
    this.transfer?.abort();
    this.setDataChannel(undefined);
    this.closeFileSystem();
    this.user = undefined;
    this.pendingUser = undefined;
    this.cwd = '/';
    this.transferType = 'A';
    this.clearTransferParameters();
    this.renameFrom = undefined;
    this.epsvOnly = false;
    this.mlstFacts = ALL_MLST_FACTS;
    this.hashAlgorithm = 'SHA-256';
    this.virtualHost = undefined;
    this.userTlsPolicy = {};
  }

  /** Close the user's file system once an aborted transfer has finished its own cleanup. */
  private closeFileSystem(): void {
    const fs = this.user?.fs;
    if (!fs?.close) return;
    void Promise.resolve(this.transfer?.done)
      .then(() => fs.close!())
      .catch(() => {});
  }

  /**
   * Forget the parameters given for the next file transfer (REST, ALLO). The dispatcher
   * calls it after every file-transfer command, whatever became of it.
   * @internal
   */
  clearTransferParameters(): void {
    this.restOffset = 0;
    this.allocateHint = undefined;
  }

  /** @internal Install the data channel for the next transfer, closing any previous one. */
  setDataChannel(channel: DataChannel | undefined): void {
    this.dataChannel?.close();
    // A PASV that completes after the client left must not leave its listener open.
    if (channel && this.cleanedUp) channel.close();
    this.dataChannel = this.cleanedUp ? undefined : channel;
  }

  /**
   * The session's passive listener, reused from the previous PASV while it is open.
   * @internal
   */
  async passiveListener(): Promise<PassiveListener> {
    if (this.passive?.open) return this.passive;
    const server = await this.server.passivePorts.listen(this.localAddress);
    const listener = new PassiveListener(server, PASSIVE_LISTENER_IDLE_MS, this.server.clients);
    // A PASV that completes after the client left must not leave its listener open.
    if (this.cleanedUp) {
      listener.close();
      throw new ReplyError(425, 'Connection closed.');
    }
    this.passive?.close();
    this.passive = listener;
    return listener;
  }

  /** @internal Take the data channel for a transfer; 425 when none was set up. */
  takeDataChannel(): DataChannel {
    const channel = this.dataChannel;
    this.dataChannel = undefined;
    if (!channel) throw new ReplyError(425, 'Use PORT, PASV, EPRT or EPSV first.');
    return channel;
  }

  /**
   * Open the data connection of a transfer: the client connects (passive) or the server
   * does (active). A session with PROT P wraps it in TLS through `secureDataSocket`.
   * `signal` (ABOR) stops the wait.
   * @internal
   */
  async openDataConnection(channel: DataChannel, signal?: AbortSignal): Promise<Socket> {
    const socket = await channel.connect(this.server.options.dataConnectTimeout, signal);
    if (channel.secured) return socket;
    return this.protectData && this.secureDataSocket ? this.secureDataSocket(socket) : socket;
  }

  /** @internal Installed by the TLS layer: wraps a data socket for PROT P. */
  secureDataSocket: ((socket: Socket) => Promise<Socket>) | undefined;

  /** Pause the idle timer while a transfer runs; restart it when it ends. @internal */
  transferring(active: boolean): void {
    if (active) this.stopIdleTimer();
    else this.touch();
  }

  /**
   * Close the session: abort any transfer, optionally say why (421), end the control
   * connection. Resolves when it is closed.
   */
  close(reason?: string): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      if (reason) this.reply(421, reason);
      this.transfer?.abort();
      // Everything written is with the kernel: closing sends it and the FIN, as vsftpd and
      // pyftpdlib do, without a shutdown() and a wait for the client's FIN. TLS needs end()
      // for its close_notify, and unflushed replies need end() to be flushed.
      if (this.secure || this.control.writableLength > 0) {
        this.control.end();
        // A client that never reads could keep the socket half-open; do not wait on it.
        this.closeTimer = setTimeout(() => this.control.destroy(), 2000).unref();
      } else {
        this.control.destroy();
      }
    }
    return this.closedPromise;
  }

  /** @internal Send the banner; called by the server once the connection is accepted. */
  greet(text: string | readonly string[]): void {
    this.reply(220, text);
  }

  private attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.once('close', () => this.onClose());
    socket.on('error', () => {}); // the 'close' that follows does the cleanup
  }

  private onData(chunk: Buffer): void {
    const socket = this.control;
    for (const event of this.reader.push(chunk)) {
      // A command of this chunk switched sockets (AUTH TLS): the rest is stale plaintext.
      if (this.control !== socket) return;
      if ('overflow' in event) this.enqueue(OVERFLOW);
      else if (event.line !== '') this.enqueue(parseCommandLine(event.line));
    }
  }

  private enqueue(command: ParsedCommand): void {
    if (this.closing) return;
    if (command !== OVERFLOW && this.transfer && this.server.commands.get(command.verb)?.duringTransfer) {
      void this.execute(command);
      return;
    }
    this.queue.push(command);
    if (this.queue.length >= this.server.options.maxQueuedCommands) this.control.pause();
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length > 0 && !this.closing) {
      const command = this.queue.shift()!;
      if (this.control.isPaused() && this.queue.length < this.server.options.maxQueuedCommands / 2) {
        this.control.resume();
      }
      if (command === OVERFLOW) this.reply(500, 'Command line too long.');
      else await this.execute(command);
    }
    this.running = false;
  }

  private execute(command: ParsedCommand): Promise<void> {
    if (!this.user) {
      this.lastActivity = performance.now();
      this.server.preLoginActivity(this);
    }
    this.touch();
    if (command.verb !== 'RNTO') this.renameFrom = undefined;
    return dispatch(this, command.verb, command.arg);
  }

  /** Restart the idle timer (one timer per session, re-armed rather than re-created per command). */
  private touch(): void {
    if (this.closing || this.transfer) return this.stopIdleTimer();
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(() => this.timeout('Idle timeout, closing control connection.'), this.server.options.idleTimeout);
    this.idleTimer.unref();
  }

  private stopIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private timeout(reason: string): void {
    if (this.transfer) return;
    void this.close(reason);
  }

  private onClose(): void {
    if (this.cleanedUp || !this.control.destroyed) return;
    this.cleanedUp = true;
    this.closing = true;
    // Cleared, not left to fire: a pending timer would keep the whole session alive.
    clearTimeout(this.loginTimer);
    clearTimeout(this.idleTimer);
    clearTimeout(this.closeTimer);
    this.transfer?.abort();
    this.setDataChannel(undefined);
    this.passive?.close();
    this.closeFileSystem();
    this.server.sessionClosed(this);
    this.resolveClosed();
  }
}
