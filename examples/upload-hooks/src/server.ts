/**
 * An FTP drop box with upload processing done by transfer hooks:
 * - `.exe` uploads are refused before a byte is stored (553);
 * - the SHA-256 of every upload is computed while the bytes stream in;
 * - a completed upload is moved to `/processed`, with a `<name>.sha256` file beside it,
 *   before the client gets its 226. Aborted uploads are left alone.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import { AuthError, baseName, FtpServer, joinPath, ReplyError, type Session } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';

/** A processed upload. */
export interface ProcessedUpload {
  username: string;
  /** Where the file ended up, e.g. `/processed/report.csv`. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface StartOptions {
  host?: string;
  /** 0 picks a free port. Default 2121. */
  port?: number;
  /** Called for every processed upload (after it was moved). */
  onProcessed?(upload: ProcessedUpload): void;
}

export interface RunningExample {
  server: FtpServer;
  port: number;
  fs: MemoryFileSystem;
  close(): Promise<void>;
}

const PROCESSED = '/processed';

/** A pass-through stream that feeds every chunk into `hash`. */
function hashing(hash: Hash): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
}

/** Start the server (user `upload`, password `upload`); resolves once it listens. */
export async function start(options: StartOptions = {}): Promise<RunningExample> {
  const fs = new MemoryFileSystem({ files: { [PROCESSED]: null } });
  const server = new FtpServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 2121,
    authenticate({ username, password }) {
      if (username === 'upload' && password === 'upload') return { fs };
      throw new AuthError('Login incorrect.');
    },
  });

  // A session runs one transfer at a time, so the session is a good key for its hash.
  const hashes = new WeakMap<Session, Hash>();
  server.addTransferHook({
    direction: 'upload',
    before({ path }) {
      if (path.toLowerCase().endsWith('.exe')) throw new ReplyError(553, 'Executable files are not accepted.');
    },
    transform({ session }) {
      const hash = createHash('sha256');
      hashes.set(session, hash);
      return hashing(hash);
    },
    async after({ session, path, outcome }) {
      const hash = hashes.get(session);
      hashes.delete(session);
      if (outcome.status !== 'completed' || !hash || path.startsWith(`${PROCESSED}/`)) return;
      const sha256 = hash.digest('hex');
      const target = joinPath(PROCESSED, baseName(path));
      await fs.rename(path, target);
      const sidecar = await fs.write(`${target}.sha256`);
      await new Promise<void>((resolve, reject) => {
        sidecar.once('error', reject);
        sidecar.end(`${sha256}  ${baseName(path)}\n`, resolve);
      });
      options.onProcessed?.({ username: session.user!.username, path: target, bytes: outcome.bytes, sha256 });
    },
  });

  const { port } = await server.listen();
  return { server, port, fs, close: () => server.close({ timeout: 1000 }) };
}
