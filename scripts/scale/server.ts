/**
 * The server side of the scale run, in its own process: an in-memory server that
 * admits everyone, answering `stats` messages with its session count and memory
 * (after a full GC; started with --expose-gc).
 */
import { FtpServer } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';

const fs = new MemoryFileSystem({ files: { '/readme.txt': 'hello' } });
const server = new FtpServer({
  host: '127.0.0.1',
  port: 0,
  maxConnections: 100_000,
  maxConnectionsPerIp: 100_000,
  authenticate: () => ({ fs }),
});

export interface ServerStats {
  sessions: number;
  loggedIn: number;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

function stats(): ServerStats {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  let loggedIn = 0;
  for (const session of server.sessions) if (session.user) loggedIn++;
  return { sessions: server.sessions.size, loggedIn, rss, heapUsed, external, arrayBuffers };
}

const { port } = await server.listen();
process.send!({ port });
process.on('message', (message) => {
  if (message === 'stats') process.send!(stats());
  if (message === 'close') void server.close({ timeout: 1000 }).then(() => process.exit(0));
});
