/**
 * A lean FTP client on raw sockets for the load generator: no parsing beyond reply
 * codes, no per-command allocations worth mentioning, so the servers are what is measured.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

export interface Reply {
  code: number;
  text: string;
}

export interface Target {
  host: string;
  port: number;
  user: string;
  password: string;
}

export class FtpControl {
  private buffer = '';
  private readonly waiting: ((reply: Reply) => void)[] = [];
  private readonly ready: Reply[] = [];
  private failure: Error | undefined;
  private readonly failed: ((err: Error) => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => this.onData(text));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('control connection closed')));
  }

  /** Connect and wait for the banner. */
  static async open(target: Target): Promise<FtpControl> {
    const socket = connect({ host: target.host, port: target.port, noDelay: true });
    const control = new FtpControl(socket);
    await control.expect(220);
    return control;
  }

  /** Connect and log in; with `tls`, after AUTH TLS and a full handshake (explicit FTPS). */
  static async login(target: Target, tls = false): Promise<FtpControl> {
    let control = await FtpControl.open(target);
    if (tls) control = await control.upgrade();
    const user = await control.command(`USER ${target.user}`);
    if (user.code === 331) await control.command(`PASS ${target.password}`, 230);
    else if (user.code !== 230) throw new Error(`USER refused: ${user.code} ${user.text}`);
    return control;
  }

  /** AUTH TLS, then the same conversation over TLS (the server's certificate is not checked). */
  private async upgrade(): Promise<FtpControl> {
    await this.command('AUTH TLS', 234);
    for (const event of ['data', 'error', 'close']) this.socket.removeAllListeners(event);
    const secure = connectTls({ socket: this.socket, rejectUnauthorized: false });
    await Promise.race([once(secure, 'secureConnect'), once(secure, 'error').then(([err]) => Promise.reject(err as Error))]);
    return new FtpControl(secure);
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  /** The next reply; rejects unless its code is `code` (when given). */
  next(code?: number): Promise<Reply> {
    const check = (reply: Reply): Reply => {
      if (code !== undefined && reply.code !== code) throw new Error(`expected ${code}, got ${reply.code} ${reply.text}`);
      return reply;
    };
    const queued = this.ready.shift();
    if (queued) return Promise.resolve(check(queued));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push((reply) => {
        try {
          resolve(check(reply));
        } catch (err) {
          reject(err);
        }
      });
      this.failed.push(reject);
    });
  }

  expect(code: number): Promise<Reply> {
    return this.next(code);
  }

  command(line: string, code?: number): Promise<Reply> {
    this.send(line);
    return this.next(code);
  }

  /** EPSV, then connect the data socket. */
  async passive(host: string): Promise<Socket> {
    const reply = await this.command('EPSV', 229);
    const port = Number(/\|\|\|(\d+)\|/.exec(reply.text)?.[1]);
    if (!port) throw new Error(`bad EPSV reply: ${reply.text}`);
    return connect({ host, port, noDelay: true });
  }

  /** Send QUIT and wait for the server to close. */
  async quit(): Promise<void> {
    await this.command('QUIT', 221).catch(() => undefined);
    this.socket.destroy();
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(text: string): void {
    this.buffer += text;
    for (;;) {
      const reply = this.takeReply();
      if (!reply) return;
      const waiter = this.waiting.shift();
      this.failed.shift();
      if (waiter) waiter(reply);
      else this.ready.push(reply);
    }
  }

  /** Cut one complete (possibly multi-line) reply off the buffer. */
  private takeReply(): Reply | undefined {
    let start = 0;
    for (;;) {
      const end = this.buffer.indexOf('\n', start);
      if (end < 0) return undefined;
      const line = this.buffer.slice(start, end);
      // The last line of a reply is `ddd text`; `ddd-` opens a multi-line reply.
      if (/^\d{3}(?: |\r?$)/.test(line)) {
        const code = Number(line.slice(0, 3));
        const text = this.buffer.slice(0, end).trimEnd();
        this.buffer = this.buffer.slice(end + 1);
        return { code, text };
      }
      start = end + 1;
    }
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.waiting.length = 0;
    for (const reject of this.failed.splice(0)) reject(err);
  }
}

/** Read a data connection to its end; resolves with the byte count. */
export function drain(socket: Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
    socket.once('end', () => resolve(bytes));
    socket.once('error', reject);
  });
}
