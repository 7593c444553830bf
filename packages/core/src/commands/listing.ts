/**
 * Directory listings: LIST, NLST (RFC 959), MLSD, MLST (RFC 3659), STAT with a path.
 * Listings are streamed from the file system's async iterator in batches, so a huge
 * directory starts arriving at once and is never held in memory whole.
 */
import { Readable } from 'node:stream';
import { runTransfer } from '../data/run-transfer.js';
import { pumpDownload } from '../data/transfer.js';
import type { FileStat } from '../fs/filesystem.js';
import { listLineFormatter, mlsxFormatter, MLST_FACTS } from '../fs/list-format.js';
import { baseName } from '../fs/paths.js';
import type { Permissions } from '../permissions/presets.js';
import { ReplyError } from '../protocol/reply-error.js';
import type { ServerSession } from '../session.js';
import type { SessionUser } from '../session-view.js';
import type { EngineContext, EngineSpec } from './engine-types.js';

const BATCH_BYTES = 64 * 1024;

/** Drop `ls` flags (`-l`, `-la`, `-aL` ...) that clients such as FileZilla send before the path. */
export function stripListFlags(arg: string): string {
  let rest = arg;
  for (;;) {
    const m = /^-[a-zA-Z1]+(?: +|$)/.exec(rest);
    if (!m) return rest;
    rest = rest.slice(m[0].length);
  }
}

/** The RFC 3659 `perm` fact of an entry for this user. */
export function permFact(stat: Pick<FileStat, 'type'>, p: Readonly<Permissions>): string {
  if (stat.type === 'directory') {
    return (p.list ? 'el' : '') + (p.write ? 'c' : '') + (p.mkdir ? 'm' : '') + (p.rmdir ? 'pd' : '') + (p.rename ? 'f' : '');
  }
  return (p.read ? 'r' : '') + (p.append ? 'a' : '') + (p.write ? 'w' : '') + (p.delete ? 'd' : '') + (p.rename ? 'f' : '');
}

/** The entries to list for `path`: a directory's children, or the file itself. */
async function* entriesOf(user: SessionUser, path: string, stat: FileStat, signal: AbortSignal): AsyncGenerator<FileStat> {
  if (stat.type !== 'directory') {
    yield { ...stat, name: baseName(path) };
    return;
  }
  yield* user.fs.list(path, { signal });
}

/** Formats the entries of one listing; made afresh for each, so it may cache. */
type LineFormat = (stat: FileStat) => string;

/** Stream formatted lines, batched into chunks of about 64 KiB. */
function linesStream(entries: AsyncIterable<FileStat>, format: LineFormat): Readable {
  async function* batches(): AsyncGenerator<Buffer> {
    let batch = '';
    for await (const entry of entries) {
      batch += `${format(entry)}\r\n`;
      if (batch.length >= BATCH_BYTES) {
        yield Buffer.from(batch);
        batch = '';
      }
    }
    if (batch) yield Buffer.from(batch);
  }
  return Readable.from(batches(), { objectMode: false });
}

async function sendListing(
  ctx: EngineContext,
  command: 'LIST' | 'NLST' | 'MLSD',
  formatter: (user: SessionUser) => LineFormat,
): Promise<void> {
  const { session } = ctx;
  const user = session.requirePermission('list');
  const path = session.resolve(command === 'MLSD' ? ctx.arg : stripListFlags(ctx.arg));
  const stat = await user.fs.stat(path, { signal: ctx.signal });
  if (command === 'MLSD' && stat.type !== 'directory') throw new ReplyError(501, 'Not a directory.');
  await runTransfer(ctx, {
    command,
    path,
    direction: 'download',
    listing: true,
    announce: 'Here comes the directory listing.',
    completeText: 'Directory send OK.',
    open: async (signal) => linesStream(entriesOf(user, path, stat, signal), formatter(user)),
    pump: pumpDownload,
  });
}

/** MLSx lines for `user`; the perm fact depends only on whether an entry is a directory. */
function mlsxLines(session: ServerSession, user: SessionUser): (entry: FileStat, name?: string) => string {
  const format = mlsxFormatter(session.login.mlstFacts);
  const { permissions } = user;
  const dirPerm = permFact({ type: 'directory' }, permissions);
  const filePerm = permFact({ type: 'file' }, permissions);
  return (entry, name) => format(entry, entry.type === 'directory' ? dirPerm : filePerm, name);
}

export const listingCommands: Record<string, EngineSpec> = {
  LIST: {
    help: 'LIST [<sp> pathname]',
    handler: (ctx) => sendListing(ctx, 'LIST', () => listLineFormatter()),
  },
  NLST: {
    help: 'NLST [<sp> pathname]',
    handler: (ctx) => sendListing(ctx, 'NLST', () => (entry) => entry.name),
  },
  MLSD: {
    help: 'MLSD [<sp> pathname]',
    handler: (ctx) => sendListing(ctx, 'MLSD', (user) => mlsxLines(ctx.session, user)),
  },
  MLST: {
    help: 'MLST [<sp> pathname]',
    feat: (session) => `MLST ${MLST_FACTS.map((f) => `${f}${session.login.mlstFacts.has(f) ? '*' : ''};`).join('')}`,
    async handler({ session, arg, reply, signal }) {
      const user = session.requirePermission('list');
      const path = session.resolve(arg);
      const stat = await user.fs.stat(path, { signal });
      reply(250, [`Listing ${path}`, ` ${mlsxLines(session, user)(stat, path)}`, 'End.']);
    },
  },
};

/** STAT with a path: the listing over the control connection (213). */
export async function statPath(session: ServerSession, arg: string, signal: AbortSignal): Promise<string[]> {
  const user = session.requirePermission('list');
  const path = session.resolve(stripListFlags(arg));
  const stat = await user.fs.stat(path, { signal });
  const lines = [`Status of ${path}:`];
  const format = listLineFormatter();
  for await (const entry of entriesOf(user, path, stat, signal)) lines.push(` ${format(entry)}`);
  lines.push('End of status.');
  return lines;
}
