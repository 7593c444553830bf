/** Starts a real ftpkit server on 127.0.0.1 for end-to-end tests. */
import { after } from 'node:test';
import { AuthError, FtpServer, READ_ONLY, type FileSystem, type FtpServerOptions } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';

export interface TestServer {
  server: FtpServer;
  port: number;
  /** The file system every test user shares. */
  fs: FileSystem;
  close(): Promise<void>;
}

/**
 * A server with users `user`/`pass` (full access) and `reader`/`reader` (read-only)
 * sharing one file system, and anonymous logins (read-only) enabled.
 */
export async function startTestServer(
  { fs = new MemoryFileSystem(), ...options }: Partial<FtpServerOptions> & { fs?: FileSystem } = {},
): Promise<TestServer> {
  const server = new FtpServer({
    host: '127.0.0.1',
    port: 0,
    anonymous: true,
    authenticate: ({ username, password, anonymous }) => {
      if (anonymous) return { fs, permissions: READ_ONLY };
      if (username === 'user' && password === 'pass') return { fs };
      if (username === 'reader' && password === 'reader') return { fs, permissions: READ_ONLY };
      throw new AuthError('Login incorrect.');
    },
    ...options,
  });
  const { port } = await server.listen();
  return { server, port, fs, close: () => server.close({ timeout: 1000 }) };
}

/**
 * A starter for files whose tests each start their own server: every server it started
 * is closed once the file's tests are done. Call it at the top level of the test file.
 */
export function serversClosedAfterFile(): (options?: Parameters<typeof startTestServer>[0]) => Promise<TestServer> {
  const servers: TestServer[] = [];
  after(() => Promise.all(servers.map((s) => s.close())));
  return async (options = {}) => {
    const server = await startTestServer(options);
    servers.push(server);
    return server;
  };
}
