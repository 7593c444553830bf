/**
 * The floor for any FTP server on Node: a bare `net` server that answers what the login
 * and small-download scenarios send (USER, PASS, QUIT, AUTH TLS with CERT and KEY, TYPE,
 * EPSV, RETR) and nothing else. It has no parser, no hooks, no limits and no jail (RETR
 * reads `ROOT/<name>` whole with one readFileSync), so its CPU per operation is what Node
 * itself costs for those sockets, replies and reads.
 * Usage: node-floor.ts PORT ROOT USER PASSWORD [CERT KEY]
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createSecureContext, TLSSocket } from 'node:tls';

const [port, root, user, password, certFile, keyFile] = process.argv.slice(2) as [string, string, string, string, string?, string?];
const secureContext = certFile && keyFile ? createSecureContext({ cert: readFileSync(certFile), key: readFileSync(keyFile) }) : undefined;

/** One client's passive listener, kept for the session, and its data connections in order. */
class Passive {
  readonly server: Server;
  readonly #waiting: ((socket: Socket) => void)[] = [];
  readonly #ready: Socket[] = [];

  constructor() {
    this.server = createServer({ noDelay: true }, (socket) => {
      socket.on('error', () => socket.destroy());
      const waiter = this.#waiting.shift();
      if (waiter) waiter(socket);
      else this.#ready.push(socket);
    });
  }

  /** The next data connection, made already or still to come. */
  next(use: (socket: Socket) => void): void {
    const socket = this.#ready.shift();
    if (socket) use(socket);
    else this.#waiting.push(use);
  }
}

/** Answer `socket` line by line; AUTH TLS hands the raw socket to a TLSSocket and goes on there. */
function converse(socket: Socket | TLSSocket): void {
  let pending = '';
  let given = '';
  let passive: Passive | undefined;
  socket.once('close', () => passive?.server.close());
  const onData = (chunk: string): void => {
    pending += chunk;
    let end: number;
    while ((end = pending.indexOf('\r\n')) !== -1) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 2);
      const space = line.indexOf(' ');
      const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
      const arg = space === -1 ? '' : line.slice(space + 1);
      if (verb === 'USER') {
        given = arg;
        socket.write('331 Password required.\r\n');
      } else if (verb === 'PASS') {
        socket.write(given === user && arg === password ? '230 Logged in.\r\n' : '530 Login incorrect.\r\n');
      } else if (verb === 'QUIT') {
        socket.end('221 Goodbye.\r\n');
      } else if (verb === 'TYPE') {
        socket.write('200 Type set.\r\n');
      } else if (verb === 'EPSV') {
        if (passive) {
          socket.write(`229 Entering extended passive mode (|||${(passive.server.address() as { port: number }).port}|).\r\n`);
        } else {
          const made = (passive = new Passive());
          made.server.listen(0, '127.0.0.1', () => {
            socket.write(`229 Entering extended passive mode (|||${(made.server.address() as { port: number }).port}|).\r\n`);
          });
        }
      } else if (verb === 'RETR' && passive) {
        let body: Buffer;
        try {
          body = readFileSync(join(root, arg));
        } catch {
          socket.write('550 Failed to open file.\r\n');
          continue;
        }
        socket.write('150 Opening BINARY mode data connection.\r\n');
        passive.next((data) => data.end(body, () => socket.write('226 Transfer complete.\r\n')));
      } else if (verb === 'AUTH' && secureContext && !(socket instanceof TLSSocket)) {
        socket.write('234 Proceed with TLS.\r\n');
        socket.removeListener('data', onData);
        const secure = new TLSSocket(socket, { isServer: true, secureContext });
        secure.on('error', () => secure.destroy());
        converse(secure);
      } else {
        socket.write('502 Not implemented.\r\n');
      }
    }
  };
  socket.setEncoding('utf8');
  socket.on('data', onData);
}

const server = createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => socket.destroy());
  socket.write('220 Ready.\r\n');
  converse(socket);
});
server.listen(Number(port), '127.0.0.1');

process.on('message', (message) => {
  if (message === 'gc') {
    globalThis.gc?.();
    process.send?.('gc-done');
  }
});
process.once('SIGTERM', () => process.exit(0));
