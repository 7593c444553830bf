/**
 * One control connection, below the FTP state: the socket, the line reader, the
 * command queue, the login, idle and close timers, and the reply writer. Commands run
 * one at a time in arrival order; those the handler says must interrupt (ABOR, STAT,
 * NOOP, QUIT during a transfer) run at once. It knows nothing of what the commands mean.
 */
import type { Socket } from 'node:net';
import { parseCommandLine, type ParsedCommand } from './protocol/command-line.js';
import { LineReader } from './protocol/line-reader.js';
import { formatReply } from './protocol/reply.js';

/** Queued in place of an over-long line, so its 500 is answered in order. */
const OVERFLOW: ParsedCommand = Object.freeze({ verb: '', arg: '' });

/** @internal What a connection asks of the session above it. */
export interface ConnectionHandler {
  /** Run one command to its replies. */
  execute(command: ParsedCommand): Promise<void>;
  /**
   * Whether `command` runs at once instead of waiting its turn (ABOR during a transfer or
   * another command); `alone` says a command runs and nothing else is queued.
   */
  interrupts(command: ParsedCommand, alone: boolean): boolean;
  /** Whether work runs that holds off the idle and login timeouts (a transfer). */
  busy(): boolean;
  /** The connection is closing (after its 421, before the socket ends): stop work in progress. */
  closing(): void;
  /** The control socket has closed; called once, before `whenClosed()` resolves. */
  closed(): void;
}

/** @internal The limits a connection applies (a server's resolved options fit). */
export interface ConnectionLimits {
  /** Longest command line in bytes; a longer one is answered 500. */
  readonly maxLineLength: number;
  /** Commands queued behind the running one before the socket stops being read. */
  readonly maxQueuedCommands: number;
  /** Milliseconds from connecting to logging in. */
  readonly loginTimeout: number;
  /** Milliseconds without a command (outside transfers) before the connection closes. */
  readonly idleTimeout: number;
}

/** @internal A control connection: socket, line reader, command queue, timers, replies. */
export class Connection {
  /** Whether the control connection is TLS-protected (AUTH TLS done, or implicit FTPS). */
  secure = false;
  private control: Socket;
  private readonly reader: LineReader;
  private readonly queue: ParsedCommand[] = [];
  private running = false;
  private loginTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private cleanedUp = false;
  private readonly closedPromise: Promise<void>;
  private resolveClosed!: () => void;

  constructor(
    socket: Socket,
    private readonly limits: ConnectionLimits,
    private readonly handler: ConnectionHandler,
  ) {
    this.control = socket;
    this.reader = new LineReader(limits.maxLineLength);
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
    this.attach(socket);
    this.loginTimer = setTimeout(() => this.timeout('Login timeout, closing control connection.'), limits.loginTimeout);
    this.loginTimer.unref();
  }

  /** Whether the control connection is gone or going. */
  get closed(): boolean {
    return this.closing || this.control.destroyed;
  }

  /** Whether the socket has closed and the handler has cleaned up after it. */
  get finished(): boolean {
    return this.cleanedUp;
  }

  /** The control socket (a TLS socket after AUTH TLS). */
  get socket(): Socket {
    return this.control;
  }

  /** Resolves once the control connection has closed and the handler has cleaned up. */
  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  /** Send a reply on the control connection. */
  reply(code: number, text: string | readonly string[]): void {
    if (this.control.destroyed || this.control.writableEnded) return;
    this.control.write(formatReply(code, text));
  }

  /**
   * Keep the replies written from now on in the socket until the returned function is
   * called, or `maxMs` has passed (then `expired` is called), and send them in one write
   * then. Calling it again does nothing.
   */
  holdReplies(maxMs: number, expired?: () => void): () => void {
    const socket = this.control;
    socket.cork();
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      clearTimeout(timer);
      socket.uncork();
    };
    const timer = setTimeout(() => {
      expired?.();
      release();
    }, maxMs);
    return release;
  }

  /**
   * Switch the control connection to another socket (AUTH TLS wraps the plain one).
   * Commands that arrived after the one switching, and a partial line, are dropped:
   * plaintext pipelined behind AUTH TLS must never run as if protected (RFC 4217 4.1).
   */
  replaceSocket(socket: Socket): void {
    this.control.removeAllListeners('data');
    this.queue.length = 0;
    this.reader.reset();
    this.control = socket;
    this.attach(socket);
  }

  /** The client logged in: the login timeout no longer applies. */
  stopLoginTimer(): void {
    clearTimeout(this.loginTimer);
    this.loginTimer = undefined;
  }

  /** Restart the idle timer (one timer per connection, re-armed rather than re-created per command). */
  touch(): void {
    if (this.closing || this.handler.busy()) return this.stopIdleTimer();
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(() => this.timeout('Idle timeout, closing control connection.'), this.limits.idleTimeout);
    this.idleTimer.unref();
  }

  /** Hold the idle timer (while a transfer runs). */
  stopIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /**
   * Close the connection: optionally say why (421), let the handler stop its work, end
   * the socket. Resolves when it is closed.
   */
  close(reason?: string): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      if (reason) this.reply(421, reason);
      this.handler.closing();
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
    if (command !== OVERFLOW && this.handler.interrupts(command, this.running && this.queue.length === 0)) {
      void this.execute(command);
      return;
    }
    this.queue.push(command);
    if (this.queue.length >= this.limits.maxQueuedCommands) this.control.pause();
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length > 0 && !this.closing) {
      const command = this.queue.shift()!;
      if (this.control.isPaused() && this.queue.length < this.limits.maxQueuedCommands / 2) {
        this.control.resume();
      }
      if (command === OVERFLOW) this.reply(500, 'Command line too long.');
      else await this.execute(command);
    }
    this.running = false;
  }

  private execute(command: ParsedCommand): Promise<void> {
    this.touch();
    return this.handler.execute(command);
  }

  private timeout(reason: string): void {
    if (this.handler.busy()) return;
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
    this.handler.closed();
    this.resolveClosed();
  }
}
