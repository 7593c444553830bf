/**
 * The floor for any FTP server on Node: a bare `net` server that answers a login
 * conversation (greeting, USER, PASS, QUIT, and AUTH TLS with CERT and KEY) and nothing
 * else. It has no parser, no sessions, no hooks and no file system, so its CPU per
 * login is what Node itself costs for those sockets and replies. Only the login
 * scenarios run on it. Usage: node-floor.ts PORT USER PASSWORD [CERT KEY]
 */
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';

const [port, user, password, certFile, keyFile] = process.argv.slice(2) as [string, string, string, string?, string?];
const secureContext = certFile && keyFile ? createSecureContext({ cert: readFileSync(certFile), key: readFileSync(keyFile) }) : undefined;

/** Answer `socket` line by line; AUTH TLS hands the raw socket to a TLSSocket and goes on there. */
function converse(socket: Socket | TLSSocket): void {
  let pending = '';
  let given = '';
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
