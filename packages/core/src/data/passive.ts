/**
 * Passive data listeners. With a configured range, ports are handed out round-robin
 * from a random start and a port that is busy (EADDRINUSE) is simply skipped, so there
 * is no test-bind race; without one the OS picks a free port.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { socketPeer, type ClientResolver } from '../net/client-address.js';
import type { PortRange } from '../options.js';

export class PassivePortPool {
  private cursor: number;

  /** @param highWaterMark stream buffer of each data connection, see `dataBufferSize` */
  constructor(
    private readonly range: PortRange | undefined,
    private readonly highWaterMark: number,
  ) {
    this.cursor = range ? Math.floor(Math.random() * (range.max - range.min + 1)) : 0;
  }

  /** A listening server on `host`; rejects when every port in the range is taken. */
  async listen(host: string): Promise<Server> {
    if (!this.range) return listenOn(host, 0, this.highWaterMark);
    const size = this.range.max - this.range.min + 1;
    for (let attempt = 0; attempt < size; attempt++) {
      const port = this.range.min + (this.cursor++ % size);
      try {
        return await listenOn(host, port, this.highWaterMark);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      }
    }
    throw new Error('no free passive port in the configured range');
  }
}

function listenOn(host: string, port: number, highWaterMark: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer({ pauseOnConnect: true, noDelay: true, highWaterMark });
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Where a passive listener hands the connections it accepts. */
export interface ConnectionTaker {
  /** `address` is the client's: the socket's peer, or a trusted balancer's PROXY header's source. */
  accept(socket: Socket, address: string): void;
}

/**
 * A session's passive listener. It outlives one transfer: a client fetching many files
 * issues PASV/EPSV again right after each 226, and handing it the same port spares a
 * new listening socket (socket, bind, listen, close) per file. Only the channel of the
 * current PASV takes connections; any other is dropped. Unused for `idleMs`, it closes,
 * so a port range is not held by idle sessions.
 */
export class PassiveListener {
  /** The port clients connect to (read once: `server.address()` is a system call). */
  readonly port: number;
  private taker: ConnectionTaker | undefined;
  private readonly idle: NodeJS.Timeout;
  private closed = false;

  /** @param clients with `proxyProtocol`: a balancer's data connection names its client in a PROXY header */
  constructor(
    private readonly server: Server,
    idleMs: number,
    clients?: ClientResolver,
  ) {
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    server.on('connection', (socket) => {
      const peer = socketPeer(socket);
      if (!clients?.trusts(peer.address)) return this.hand(socket, peer.address);
      socket.on('error', () => {});
      clients.resolve(socket).then(
        (client) => this.hand(socket, client.address),
        () => socket.destroy(),
      );
    });
    this.idle = setTimeout(() => this.expire(), idleMs);
    this.idle.unref();
  }

  private hand(socket: Socket, address: string): void {
    if (this.taker) this.taker.accept(socket, address);
    else socket.destroy();
  }

  /** Whether it still listens (it closes once idle). */
  get open(): boolean {
    return !this.closed;
  }

  /** Route the next connections to `taker` (the channel of the latest PASV). */
  attach(taker: ConnectionTaker): void {
    this.taker = taker;
    this.idle.refresh();
  }

  /** Stop routing connections to `taker` (it got its connection or was closed). */
  detach(taker: ConnectionTaker): void {
    if (this.taker === taker) this.taker = undefined;
    this.idle.refresh();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idle);
    this.server.close();
  }

  private expire(): void {
    if (this.taker) this.idle.refresh();
    else this.close();
  }
}
