/**
 * One process serving HTTP (Express) and FTP (ftpkit) from one user store:
 * - `POST /users` `{ "username", "password" }` adds a user who can log in over FTP at once;
 * - `GET /ftp/sessions` lists the live FTP sessions (who, from where, what they transfer);
 * - `DELETE /ftp/sessions/:id` disconnects one.
 * Each FTP user gets their own in-memory file system.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Express } from 'express';
import { AuthError, FtpServer, snapshotSession, type Session } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { UserStore } from './users.js';

export { UserStore };

export interface StartOptions {
  host?: string;
  /** 0 picks a free port. Default 3000. */
  httpPort?: number;
  /** 0 picks a free port. Default 2121. */
  ftpPort?: number;
  /** Default: an empty store. */
  users?: UserStore;
}

export interface RunningExample {
  app: Express;
  http: Server;
  ftp: FtpServer;
  httpPort: number;
  ftpPort: number;
  users: UserStore;
  close(): Promise<void>;
}

/** What `GET /ftp/sessions` says about one session. */
export interface SessionInfo {
  id: string;
  username: string | null;
  address: string;
  connectedAt: string;
  cwd: string;
  secure: boolean;
  transfer: { command: string; path: string; bytes: number } | null;
}

function describe(session: Session): SessionInfo {
  // The public snapshot: the session's running transfer itself is internal state.
  const t = snapshotSession(session).transfer;
  return {
    id: session.id,
    username: session.user?.username ?? null,
    address: session.remoteAddress,
    connectedAt: session.connectedAt.toISOString(),
    cwd: session.cwd,
    secure: session.secure,
    transfer: t ? { command: t.command, path: t.path, bytes: t.bytes } : null,
  };
}

/** Start both servers; resolves once both listen. */
export async function start(options: StartOptions = {}): Promise<RunningExample> {
  const host = options.host ?? '127.0.0.1';
  const users = options.users ?? new UserStore();
  const storage = new Map<string, MemoryFileSystem>();

  const ftp = new FtpServer({
    host,
    port: options.ftpPort ?? 2121,
    async authenticate({ username, password }) {
      if (!(await users.verify(username, password))) throw new AuthError('Login incorrect.');
      let fs = storage.get(username);
      if (!fs) storage.set(username, (fs = new MemoryFileSystem()));
      return { fs };
    },
  });

  const app = express();
  app.use(express.json());
  app.post('/users', async (req, res) => {
    const { username, password } = (req.body ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== 'string' || !/^[\w.-]{1,64}$/.test(username) || typeof password !== 'string' || !password) {
      res.status(400).json({ error: 'username (letters, digits, . _ -) and password are required' });
      return;
    }
    if (!(await users.add(username, password))) {
      res.status(409).json({ error: 'user exists' });
      return;
    }
    res.status(201).json({ username });
  });
  app.get('/ftp/sessions', (_req, res) => {
    res.json([...ftp.sessions].map(describe));
  });
  app.delete('/ftp/sessions/:id', async (req, res) => {
    const session = [...ftp.sessions].find((s) => s.id === req.params.id);
    if (!session) {
      res.status(404).json({ error: 'no such session' });
      return;
    }
    await session.close('Disconnected by an administrator.');
    res.status(204).end();
  });

  const { port: ftpPort } = await ftp.listen();
  const http = await new Promise<Server>((resolve, reject) => {
    const server = app.listen(options.httpPort ?? 3000, host, (err?: Error) => (err ? reject(err) : resolve(server)));
  });
  const httpPort = (http.address() as AddressInfo).port;
  return {
    app,
    http,
    ftp,
    httpPort,
    ftpPort,
    users,
    async close() {
      await ftp.close({ timeout: 1000 });
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
