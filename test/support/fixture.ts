/**
 * A test server for one `describe` block, and raw clients that are closed after each
 * test, so a failing assertion never leaves sockets open.
 */
import { after, afterEach, before } from 'node:test';
import type { FileSystem, FtpServerOptions } from '@ftpkit/core';
import { RawClient, type Reply } from './raw-client.js';
import { startTestServer, type TestServer } from './server.js';

export interface ServerFixture {
  readonly server: TestServer;
  readonly port: number;
  readonly fs: FileSystem;
  /** Connect a raw client (logged in as `user`/`pass` unless `login` is false or other credentials). */
  connect(login?: boolean | { user: string; pass: string }, localAddress?: string): Promise<RawClient>;
  /** Connect without logging in; also returns the banner. */
  connectRaw(localAddress?: string): Promise<{ client: RawClient; banner: Reply }>;
}

export function useServer(options: Parameters<typeof startTestServer>[0] | (() => Promise<Partial<FtpServerOptions> & { fs?: FileSystem }>) = {}): ServerFixture {
  let current: TestServer | undefined;
  const clients: RawClient[] = [];
  before(async () => {
    current = await startTestServer(typeof options === 'function' ? await options() : options);
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  after(async () => {
    await current?.close();
  });
  const fixture: ServerFixture = {
    get server() {
      if (!current) throw new Error('server not started');
      return current;
    },
    get port() {
      return fixture.server.port;
    },
    get fs() {
      return fixture.server.fs;
    },
    async connectRaw(localAddress) {
      const connected = await RawClient.connect(fixture.port, '127.0.0.1', localAddress);
      clients.push(connected.client);
      return connected;
    },
    async connect(login = true, localAddress) {
      const { client } = await fixture.connectRaw(localAddress);
      if (login === true) await client.login();
      else if (login) await client.login(login.user, login.pass);
      return client;
    },
  };
  return fixture;
}
