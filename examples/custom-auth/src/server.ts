/**
 * An FTP server whose users live in a small user table with scrypt password hashes.
 * Each user starts in their own home directory; some users are read-only and some
 * accounts are locked (refused at USER, before a password is even asked for).
 */
import { AuthError, FtpServer, READ_ONLY } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { hashPassword, verifyPassword } from './passwords.js';

/** One account in the user table. */
export interface UserRecord {
  /** From {@link hashPassword}; never the password itself. */
  passwordHash: string;
  /** Where the user starts, e.g. `/home/alice`. Created at start-up. */
  home: string;
  /** May list and download, but change nothing. */
  readOnly?: boolean;
  /** Refused at USER with "Account locked.". */
  locked?: boolean;
}

export { hashPassword, verifyPassword };

/** The example's accounts: alice (full access), bob (read-only), eve (locked). */
export async function demoUsers(): Promise<Map<string, UserRecord>> {
  return new Map([
    ['alice', { passwordHash: await hashPassword('wonderland'), home: '/home/alice' }],
    ['bob', { passwordHash: await hashPassword('builder'), home: '/home/bob', readOnly: true }],
    ['eve', { passwordHash: await hashPassword('secret'), home: '/home/eve', locked: true }],
  ]);
}

export interface StartOptions {
  host?: string;
  /** 0 picks a free port. Default 2121. */
  port?: number;
  /** Default: {@link demoUsers}. */
  users?: Map<string, UserRecord>;
}

export interface RunningExample {
  server: FtpServer;
  port: number;
  fs: MemoryFileSystem;
  close(): Promise<void>;
}

/** Start the server; resolves once it listens. */
export async function start(options: StartOptions = {}): Promise<RunningExample> {
  const users = options.users ?? (await demoUsers());
  // Unknown users are checked against a dummy hash, so timing does not reveal them either.
  const dummyHash = await hashPassword(Math.random().toString(36));
  const fs = new MemoryFileSystem({ files: { '/home': null, '/pub/welcome.txt': 'Welcome!\n' } });
  for (const user of users.values()) await fs.mkdir(user.home).catch(() => {});

  const server = new FtpServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 2121,
    beforeLogin({ username }) {
      if (users.get(username)?.locked) throw new AuthError('Account locked.');
    },
    async authenticate({ username, password }) {
      const user = users.get(username);
      // Unknown users and wrong passwords get the same answer (no user enumeration).
      const valid = await verifyPassword(password, user?.passwordHash ?? dummyHash);
      if (!user || user.locked || !valid) throw new AuthError('Login incorrect.');
      return {
        fs,
        home: user.home,
        ...(user.readOnly ? { permissions: READ_ONLY } : {}),
        data: { home: user.home },
      };
    },
  });
  const { port } = await server.listen();
  return { server, port, fs, close: () => server.close({ timeout: 1000 }) };
}
