/**
 * One S3 bucket over FTP: every user is jailed in `users/<name>/`. Their `/` is that
 * prefix; the core normalises paths (`..` stops at `/`) and the adapter never builds a
 * key outside its prefix, so no user can reach another's files.
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { AuthError, FtpServer } from '@ftpkit/core';
import { S3FileSystem } from '@ftpkit/fs-s3';
import { checkPassword, DEMO_USERS, isValidName, type Users } from './users.js';

export { DEMO_USERS, parseUsers, type Users } from './users.js';

export interface StartOptions {
  host?: string;
  /** 0 picks a free port. Default 2121. */
  port?: number;
  bucket: string;
  /** Endpoint, region, credentials, path style. Omitted: the SDK's defaults (AWS_* variables, profiles). */
  clientConfig?: S3ClientConfig;
  /** Default: {@link DEMO_USERS}. */
  users?: Users;
}

export interface RunningBridge {
  server: FtpServer;
  port: number;
  close(): Promise<void>;
}

/** The key prefix a user is jailed in. */
export function userPrefix(name: string): string {
  return `users/${name}`;
}

/** Start the bridge; resolves once it listens. */
export async function start(options: StartOptions): Promise<RunningBridge> {
  const users = options.users ?? DEMO_USERS;
  for (const name of users.keys()) {
    if (!isValidName(name)) throw new Error(`user name ${JSON.stringify(name)} cannot be a key prefix`);
  }
  // One client, so every session shares its connection pool.
  const client = new S3Client(options.clientConfig ?? {});
  const fileSystems = new Map<string, S3FileSystem>();
  const server = new FtpServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 2121,
    authenticate({ username, password }) {
      if (!checkPassword(users, username, password)) throw new AuthError('Login incorrect.');
      let fs = fileSystems.get(username);
      if (!fs) {
        fs = new S3FileSystem({ bucket: options.bucket, prefix: userPrefix(username), client });
        fileSystems.set(username, fs);
      }
      return { fs };
    },
  });
  const { port } = await server.listen();
  return {
    server,
    port,
    async close() {
      await server.close({ timeout: 1000 });
      // Shared by a user's sessions, so the core never closed them (no `ownsFileSystem`).
      await Promise.all([...fileSystems.values()].map((fs) => fs.close()));
      client.destroy();
    },
  };
}
