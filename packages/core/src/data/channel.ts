/**
 * Data channels: how the data connection of the next transfer gets made. Passive:
 * the server listens and the client connects; active: the server connects to the
 * address the client gave in PORT/EPRT. Both are event-driven, never polled.
 */
import { connect, type NetConnectOpts, type Socket } from 'node:net';
import type { PassiveListener } from './passive.js';

export interface DataChannel {
  /**
   * The data connection, once made; rejects after `timeoutMs`, or at once when `signal`
   * fires (ABOR while waiting). Call at most once.
   */
  connect(timeoutMs: number, signal?: AbortSignal): Promise<Socket>;
  /** Release the listener or the pending connection. */
  close(): void;
  /** Whether `connect()` resolves with a connection already secured (PROT P, see PassiveChannel). */
  readonly secured?: boolean;
  /** Whether the data connection is made already, so `connect()` resolves without waiting. */
  readonly connected?: boolean;
  /** Whether the client makes the connection (passive), which it may do before its command. */
  readonly clientConnects?: boolean;
}

/** Makes a just-accepted data connection ready for its transfer (the TLS handshake of PROT P). */
export type PrepareConnection = (socket: Socket) => Promise<Socket>;

/**
 * The data connection of one passive transfer: exactly one connection, and only from
 * the session's client address (RFC 2577 port-stealing protection; behind a balancer,
 * the address its PROXY header names), taken from the session's passive listener.
 */
export class PassiveChannel implements DataChannel {
  private socket: Socket | undefined;
  /** The prepared connection (settled, so an early failure is never an unhandled rejection). */
  private prepared: Promise<{ socket: Socket } | { error: unknown }> | undefined;
  private waiter: ((socket: Socket) => void) | undefined;
  private handedOut = false;
  private closed = false;
  readonly clientConnects = true;

  /**
   * @param listener the session's passive listener
   * @param allowedAddress the only client address accepted (undefined: any)
   * @param onRefused told about each refused connection, for logging
   * @param prepare run on the connection as soon as it is accepted: a PROT P client such
   *   as curl starts its TLS handshake right after connecting and waits for it before
   *   sending its next commands, so the handshake cannot wait for RETR/STOR
   */
  constructor(
    private readonly listener: PassiveListener,
    private readonly allowedAddress: string | undefined,
    private readonly onRefused: (address: string) => void,
    private readonly prepare?: PrepareConnection,
  ) {
    listener.attach(this);
  }

  get secured(): boolean {
    return this.prepare !== undefined;
  }

  get connected(): boolean {
    return this.socket !== undefined && !this.closed;
  }

  /** The port clients should connect to. */
  get port(): number {
    return this.listener.port;
  }

  /** Called by the listener for each connection (from the client at `address`) while this is its current channel. */
  accept(socket: Socket, address: string): void {
    if (this.closed || this.socket || (this.allowedAddress !== undefined && address !== this.allowedAddress)) {
      if (!this.closed && !this.socket) this.onRefused(address);
      socket.destroy();
      return;
    }
    this.socket = socket;
    socket.on('error', () => {}); // surfaced by the transfer that uses it
    this.listener.detach(this);
    if (this.prepare) {
      this.prepared = this.prepare(socket).then(
        (ready) => ({ socket: ready }),
        (error: unknown) => ({ error }),
      );
    }
    this.waiter?.(socket);
  }

  async connect(timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
    const socket = await this.accepted(timeoutMs, signal);
    if (!this.prepared) return socket;
    const outcome = await this.prepared;
    if ('error' in outcome) throw outcome.error;
    return outcome.socket;
  }

  private accepted(timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
    this.handedOut = true;
    if (this.socket) return Promise.resolve(this.socket);
    return new Promise((resolve, reject) => {
      const fail = (message: string) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.close();
        reject(new Error(message));
      };
      const onAbort = () => fail('data connection aborted');
      const timer = setTimeout(() => fail('data connection timed out'), timeoutMs);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = (socket) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(socket);
      };
    });
  }

  close(): void {
    this.closed = true;
    this.listener.detach(this);
    if (this.socket && !this.handedOut) this.socket.destroy();
  }
}

/** An active connection to the client's PORT/EPRT address, made when a transfer starts. */
export class ActiveChannel implements DataChannel {
  private socket: Socket | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly localAddress: string | undefined,
    private readonly highWaterMark: number,
  ) {}

  connect(timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
    return new Promise((resolve, reject) => {
      // net.Socket passes highWaterMark on to its streams; @types/node does not declare it.
      const options: NetConnectOpts & { highWaterMark: number } = {
        host: this.host,
        port: this.port,
        localAddress: this.localAddress,
        noDelay: true,
        highWaterMark: this.highWaterMark,
      };
      const socket = connect(options);
      this.socket = socket;
      const timer = setTimeout(() => socket.destroy(new Error('data connection timed out')), timeoutMs);
      const onAbort = () => socket.destroy(new Error('data connection aborted'));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.removeListener('error', onError);
        socket.on('error', () => {}); // surfaced by the transfer that uses it
        resolve(socket);
      });
      const onError = (err: Error) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      };
      socket.once('error', onError);
    });
  }

  close(): void {
    this.socket?.destroy();
  }
}
