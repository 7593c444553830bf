/**
 * ftp-srv (npm) serving the shared directory with one user, as documented in its
 * README. Usage: ftp-srv.ts PORT ROOT USER PASSWORD MIN-MAX
 */
import { FtpSrv } from 'ftp-srv';

const [port, root, user, password, range] = process.argv.slice(2) as [string, string, string, string, string];
const [min, max] = range.split('-').map(Number) as [number, number];

const server = new FtpSrv({
  url: `ftp://127.0.0.1:${port}`,
  pasv_url: '127.0.0.1',
  pasv_min: min,
  pasv_max: max,
  greeting: 'ftp-srv ready',
  log: silentLogger() as never,
});
server.on('login', ({ username, password: given }, resolve, reject) => {
  if (username === user && given === password) resolve({ root });
  else reject(new Error('bad login'));
});
await server.listen();

/** Per-command logging would measure the log sink, not the server (bunyan's interface). */
function silentLogger(): object {
  const noop = () => {};
  const logger: object = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop, child: () => logger };
  return logger;
}

process.on('message', (message) => {
  if (message === 'gc') {
    globalThis.gc?.();
    process.send?.('gc-done');
  }
});
process.once('SIGTERM', () => process.exit(0));
