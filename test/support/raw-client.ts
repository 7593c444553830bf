/**
 * A minimal FTP control-connection client for tests that must see exact reply codes,
 * send malformed or split input, and open data connections by hand.
 */
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';

export interface Reply {
  code: number;
  /** Every line of the reply, joined with \n. */
  text: string;
}

export class RawClient {
  private buffer = '';
  private replies: Reply[] = [];
  private waiters: ((reply: Reply) => void)[] = [];
  private pendingLines: string[] = [];
  closed = false;

  private constructor(public socket: Socket) {
    this.attach(socket);
  }

  private attach(socket: Socket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  /** Connect with TLS from the first byte (implicit FTPS) and read the banner. */
  static async connectTls(port: number, options: ConnectionOptions = {}): Promise<{ client: RawClient; banner: Reply }> {
    const socket = await handshake(tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false, ...options }));
    const client = new RawClient(socket);
    return { client, banner: await client.read() };
  }

  /** Start TLS on the control connection (after the caller got 234 to AUTH TLS). */
  async upgrade(options: ConnectionOptions = {}): Promise<TLSSocket> {
    this.socket.removeAllListeners('data');
    const secured = await handshake(tlsConnect({ socket: this.socket, rejectUnauthorized: false, ...options }));
    this.socket = secured;
    this.attach(secured);
    return secured;
  }

  /** Connect (and send `preamble` first, e.g. a PROXY header), then read the banner. */
  static async connect(port: number, host = '127.0.0.1', localAddress?: string, preamble?: Buffer): Promise<{ client: RawClient; banner: Reply }> {
    const socket = connect({ port, host, ...(localAddress ? { localAddress } : {}) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    if (preamble) socket.write(preamble);
    const client = new RawClient(socket);
    return { client, banner: await client.read() };
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let i: number;
    while ((i = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, i).replace(/\r$/, '');
      this.buffer = this.buffer.slice(i + 1);
      this.pendingLines.push(line);
      const first = this.pendingLines[0]!;
      const code = first.slice(0, 3);
      // A reply ends with a line "NNN " (same code, space), RFC 959 4.2.
      if (/^\d{3}( |$)/.test(first) || (this.pendingLines.length > 1 && line.startsWith(`${code} `))) {
        const reply = { code: Number(code), text: this.pendingLines.join('\n') };
        this.pendingLines = [];
        const waiter = this.waiters.shift();
        if (waiter) waiter(reply);
        else this.replies.push(reply);
      }
    }
  }

  /** The next reply (waits up to `timeoutMs`). */
  read(timeoutMs = 5000): Promise<Reply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const waiter = (reply: Reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      // A timed-out read must not swallow the reply that arrives later.
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        const why = this.closed ? ' (the server closed the connection)' : '';
        reject(new Error(`timed out waiting for a reply${why}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Send one command line (CRLF added) and read its reply. */
  async send(line: string): Promise<Reply> {
    this.write(`${line}\r\n`);
    return this.read();
  }

  /** Write raw bytes or text without waiting for anything. */
  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** USER + PASS; throws unless 230. */
  async login(user = 'user', pass = 'pass'): Promise<void> {
    await this.send(`USER ${user}`);
    const reply = await this.send(`PASS ${pass}`);
    if (reply.code !== 230) throw new Error(`login failed: ${reply.code} ${reply.text}`);
  }

  /** EPSV, then connect the data socket (from `localAddress` if given). */
  async passive(localAddress?: string): Promise<Socket> {
    const reply = await this.send('EPSV');
    const m = /\|\|\|(\d+)\|/.exec(reply.text);
    if (reply.code !== 229 || !m) throw new Error(`EPSV failed: ${reply.text}`);
    const socket = connect({ port: Number(m[1]), host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
    socket.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return socket;
  }

  close(): void {
    this.socket.destroy();
  }
}

function handshake(socket: TLSSocket): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything a socket sends until it closes. */
export function collect(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('close', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  });
}
