/**
 * HASH and OPTS HASH (draft-bryan-ftpext-hash-02): the digest of a whole file, from the
 * adapter's stored checksum when it has one, else computed by reading the file. RANG
 * (partial hashes) is not offered, so the range is always the whole file: `0-SIZE`,
 * the end exclusive as ftpserverlib, SFTPGo and FileZilla Server print it.
 */
import type { ServerContext } from '../context.js';
import { FsError } from '../fs/errors.js';
import { HASH_ALGORITHMS, digestStream, parseHashAlgorithm } from '../fs/hash.js';
import { ReplyError } from '../protocol/reply-error.js';
import type { ServerSession } from '../session.js';
import type { EngineContext, EngineSpec } from './engine-types.js';

/** Digests being computed per server, against `hash.maxConcurrent`. */
const running = new WeakMap<ServerContext, number>();

/** The FEAT line: every algorithm, the session's selected one starred. */
function featLine(session: ServerSession): string | undefined {
  if (!session.server.options.hash.enabled) return undefined;
  return `HASH ${HASH_ALGORITHMS.map((alg) => (alg === session.login.hashAlgorithm ? `${alg}*` : alg)).join(';')}`;
}

/** OPTS HASH [algorithm]: report (no argument) or select the algorithm HASH uses. */
export function hashOptions(session: ServerSession, value: string, reply: EngineContext['reply']): void {
  if (!session.server.options.hash.enabled) return reply(501, 'Option not understood.');
  if (value === '') return reply(200, session.login.hashAlgorithm);
  const algorithm = parseHashAlgorithm(value);
  if (!algorithm) return reply(501, 'Unknown algorithm, current selection not changed.');
  session.login.hashAlgorithm = algorithm;
  reply(200, algorithm);
}

export const hashCommands: Record<string, EngineSpec> = {
  HASH: {
    arg: 'required',
    help: 'HASH <sp> pathname',
    feat: featLine,
    async handler({ session, arg, reply, signal }) {
      const limits = session.server.options.hash;
      if (!limits.enabled) return reply(502, 'HASH is not enabled on this server.');
      const user = session.requirePermission('read');
      const path = session.resolve(arg);
      const algorithm = session.login.hashAlgorithm;
      const stat = await user.fs.stat(path, { signal });
      if (stat.type === 'directory') throw new ReplyError(553, 'HASH of a directory is not defined.');
      const stored = await user.fs.hash?.(path, algorithm, { signal });
      if (stored !== undefined) return reply(213, `${algorithm} 0-${stat.size} ${stored} ${arg}`);
      const tooLarge = new ReplyError(556, `File too large to hash: the limit is ${limits.maxSize} bytes.`);
      if (stat.size > limits.maxSize) throw tooLarge;
      const busy = running.get(session.server) ?? 0;
      if (busy >= limits.maxConcurrent) throw new ReplyError(450, 'Server busy hashing other files, try again later.');
      running.set(session.server, busy + 1);
      try {
        const source = await user.fs.read(path, { signal });
        const digest = await digestStream(source, algorithm, limits.maxSize);
        if (signal.aborted) throw new FsError('Aborted');
        if (!digest) {
          source.destroy();
          throw tooLarge;
        }
        reply(213, `${algorithm} 0-${digest.bytes} ${digest.hex} ${arg}`);
      } finally {
        running.set(session.server, (running.get(session.server) ?? 1) - 1);
      }
    },
  },
};
