/**
 * The engine's session: one control connection ({@link Connection}), the state of its
 * login ({@link LoginState}), its TLS protection and its data channel, behind the public
 * {@link Session} view. Only the engine holds this class; hooks, middleware and events
 * are typed with the view.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { RunningCommands } from './commands/operations.js';
import { Connection, type ConnectionHandler } from './connection.js';
import type { ServerContext } from './context.js';
import type { DataChannel } from './data/channel.js';
import type { ActiveTransfer, RunningTransfer } from './data/transfer.js';
import { PassiveListener } from './data/passive.js';
import { resolvePath } from './fs/paths.js';
import { LoginState } from './login-state.js';
import { socketPeer, type ClientPeer } from './net/client-address.js';
import type { Permissions } from './permissions/presets.js';
import type { ParsedCommand } from './protocol/command-line.js';
import { ReplyError } from './protocol/reply-error.js';
import { normalizeAddress } from './security/address.js';
import type { Session, SessionUser } from './session-view.js';
import type { TlsPolicy } from './tls/requirements.js';

/** How long a session keeps its passive listener after its last use. */
const PASSIVE_LISTENER_IDLE_MS = 2000;

/**
 * @internal The transfer running in a session the server handed out, for the engine's
 * own readers of the public view (admin snapshots, path rules).
 */
export function runningTransfer(session: Session): ActiveTransfer | undefined {
  return (session as Partial<ServerSession>).transfer;
}

/** @internal What a session needs of the server that owns it beyond the shared {@link ServerContext}. */
export interface SessionOwner {
  /** Run one command: middleware, the checks every command shares, its handler. */
  run(session: ServerSession, verb: string, arg: string): Promise<void>;
  /** Whether `verb` is answered at once while a transfer runs (ABOR, STAT, NOOP, QUIT). */
  duringTransfer(verb: string): boolean;
  /** Whether `command` runs at once while another command runs (ABOR), see `interrupts` in dispatch.ts. */
  interruptsCommand(session: ServerSession, command: ParsedCommand): boolean;
  /** Called for every command a session sends while it is not logged in. */
  preLoginActivity(session: ServerSession): void;
  /** Called once when a session's control connection has closed. */
  sessionClosed(session: ServerSession): void;
}

/** @internal The engine's session (see the module comment). */
export class ServerSession implements Session {
  readonly id = randomUUID();
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly proxyAddress: string | undefined;
  readonly connectedAt = new Date();
  /** The accepted socket, kept for its local address (a TLS socket may wrap it later). */
  readonly #accepted: Socket;
  #localAddress: string | undefined;
  /**
   * When the client last sent a whole command before logging in (`performance.now()`),
   * or connected. A full server makes room by dropping the quietest pre-login connection.
   */
  lastActivity = performance.now();
  readonly data: Record<string, unknown> = {};
  /** The control connection: socket, command queue, timers, replies. */
  readonly connection: Connection;
  /** The state of the current login; REIN replaces it whole. */
  login = new LoginState();
  /** Whether data connections are TLS-protected (PROT P). */
  protectData = false;
  /** PBSZ was accepted on this TLS session (PROT needs it, RFC 4217). */
  pbszSet = false;
  /** The transfer in progress. */
  transfer: RunningTransfer | undefined;
  /** The commands in flight, which ABOR and the session's end abort. */
  readonly runningCommands = new RunningCommands();
  /**
   * Whether this client makes its passive data connections without waiting for the 150,
   * as far as seen: a download holds its 150 for them (see runTransfer).
   */
  connectsBefore150 = true;
  /** Installed by the TLS layer: wraps a data socket for PROT P. */
  secureDataSocket: ((socket: Socket) => Promise<Socket>) | undefined;
  private dataChannel: DataChannel | undefined;
  private passive: PassiveListener | undefined;

  /** Created by the server for each accepted connection. */
  constructor(
    readonly server: ServerContext,
    private readonly owner: SessionOwner,
    socket: Socket,
    peer: ClientPeer = socketPeer(socket),
  ) {
    this.remoteAddress = peer.address;
    this.remotePort = peer.port;
    this.proxyAddress = peer.via;
    this.#accepted = socket;
    this.connection = new Connection(socket, server.options, this.connectionHandler());
  }

  /** Asked of the kernel (getsockname) the first time: most logins never need it. */
  get localAddress(): string {
    return (this.#localAddress ??= normalizeAddress(this.#accepted.localAddress));
  }

  get user(): SessionUser | undefined {
    return this.login.user;
  }

  get cwd(): string {
    return this.login.cwd;
  }

  get transferType(): 'A' | 'I' {
    return this.login.transferType;
  }

  get virtualHost(): string | undefined {
    return this.login.virtualHost;
  }

  get secure(): boolean {
    return this.connection.secure;
  }

  get closed(): boolean {
    return this.connection.closed;
  }

  get socket(): Socket {
    return this.connection.socket;
  }

  whenClosed(): Promise<void> {
    return this.connection.whenClosed();
  }

  reply(code: number, text: string | readonly string[]): void {
    this.connection.reply(code, text);
  }

  /** Hold the replies written from now on; see {@link Connection.holdReplies}. */
  holdReplies(maxMs: number, expired?: () => void): () => void {
    return this.connection.holdReplies(maxMs, expired);
  }

  resolve(path: string): string {
    return resolvePath(this.login.cwd, path);
  }

  requireUser(): SessionUser {
    if (!this.login.user) throw new ReplyError(530, 'Please login with USER and PASS.');
    return this.login.user;
  }

  requirePermission(permission: keyof Permissions): SessionUser {
    const user = this.requireUser();
    if (!user.permissions[permission]) throw new ReplyError(550, 'Permission denied.');
    return user;
  }

  close(reason?: string): Promise<void> {
    return this.connection.close(reason);
  }

  /** Send the banner; called by the server once the connection is accepted. */
  greet(text: string | readonly string[]): void {
    this.reply(220, text);
  }

  /** Mark the session as logged in, at `home`, with the TLS policy its login added. */
  loggedIn(user: SessionUser, home: string, tlsPolicy: TlsPolicy): void {
    this.login.userTlsPolicy = tlsPolicy;
    this.login.user = user;
    this.login.pendingUser = undefined;
    this.login.cwd = home;
    this.connection.stopLoginTimer();
  }

  /** Forget the user and the whole state of the login (REIN). */
  reset(): void {
    this.transfer?.abort();
    this.setDataChannel(undefined);
    this.closeFileSystem();
    this.login = new LoginState();
  }

  /** Close the user's file system, if the login owns it, once an aborted transfer has cleaned up. */
  private closeFileSystem(): void {
    const fs = this.login.user?.fs;
    if (!fs?.close || !this.login.user?.ownsFileSystem) return;
    void Promise.resolve(this.transfer?.done)
      .then(() => fs.close!())
      .catch(() => {});
  }

  /** Install the data channel for the next transfer, closing any previous one. */
  setDataChannel(channel: DataChannel | undefined): void {
    this.dataChannel?.close();
    const gone = this.connection.finished;
    // A PASV that completes after the client left must not leave its listener open.
    if (channel && gone) channel.close();
    this.dataChannel = gone ? undefined : channel;
  }

  /** The session's passive listener, reused from the previous PASV while it is open. */
  async passiveListener(): Promise<PassiveListener> {
    if (this.passive?.open) return this.passive;
    const server = await this.server.passivePorts.listen(this.localAddress);
    const listener = new PassiveListener(server, PASSIVE_LISTENER_IDLE_MS, this.server.clients);
    // A PASV that completes after the client left must not leave its listener open.
    if (this.connection.finished) {
      listener.close();
      throw new ReplyError(425, 'Connection closed.');
    }
    this.passive?.close();
    this.passive = listener;
    return listener;
  }

  /** Take the data channel for a transfer; 425 when none was set up. */
  takeDataChannel(): DataChannel {
    this.requireDataChannel();
    const channel = this.dataChannel!;
    this.dataChannel = undefined;
    return channel;
  }

  /** 425 unless a data channel is set up (PORT, PASV, EPRT, EPSV). */
  requireDataChannel(): void {
    if (!this.dataChannel) throw new ReplyError(425, 'Use PORT, PASV, EPRT or EPSV first.');
  }

  /**
   * Open the data connection of a transfer: the client connects (passive) or the server
   * does (active). A session with PROT P wraps it in TLS through `secureDataSocket`.
   * `signal` (ABOR) stops the wait.
   */
  async openDataConnection(channel: DataChannel, signal?: AbortSignal): Promise<Socket> {
    const socket = await channel.connect(this.server.options.dataConnectTimeout, signal);
    if (channel.secured) return socket;
    return this.protectData && this.secureDataSocket ? this.secureDataSocket(socket) : socket;
  }

  /** Pause the idle timer while a transfer runs; restart it when it ends. */
  transferring(active: boolean): void {
    if (active) this.connection.stopIdleTimer();
    else this.connection.touch();
  }

  /** The connection's view of this session: how to run commands, when to stop. */
  private connectionHandler(): ConnectionHandler {
    return {
      execute: (command) => this.execute(command),
      interrupts: (command, alone) =>
        this.transfer !== undefined ? this.owner.duringTransfer(command.verb) : alone && this.owner.interruptsCommand(this, command),
      busy: () => this.transfer !== undefined,
      closing: () => {
        this.transfer?.abort();
        this.runningCommands.abortAll();
      },
      closed: () => this.cleanUp(),
    };
  }

  private execute(command: ParsedCommand): Promise<void> {
    if (!this.login.user) {
      this.lastActivity = performance.now();
      this.owner.preLoginActivity(this);
    }
    if (command.verb !== 'RNTO') this.login.renameFrom = undefined;
    return this.owner.run(this, command.verb, command.arg);
  }

  private cleanUp(): void {
    this.transfer?.abort();
    this.runningCommands.abortAll();
    this.setDataChannel(undefined);
    this.passive?.close();
    this.closeFileSystem();
    this.owner.sessionClosed(this);
  }
}
