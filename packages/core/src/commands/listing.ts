/**
 * Directory listings: LIST, NLST (RFC 959), MLSD, MLST (RFC 3659), STAT with a path.
 * Listings are streamed from the file system's async iterator in batches, so a huge
 * directory starts arriving at once and is never held in memory whole.
 */
import { Readable } from 'node:stream';
import { runTransfer } from '../data/run-transfer.js';
import { pumpDownload } from '../data/transfer.js';
import type { FileStat } from '../fs/filesystem.js';
import { formatListLine, formatMlsxLine, MLST_FACTS } from '../fs/list-format.js';
import { baseName } from '../fs/paths.js';
import type { Permissions } from '../options.js';
import { ReplyError } from '../protocol/reply-error.js';
import type { Session, SessionUser } from '../session.js';
import type { CommandContext, CommandSpec } from './types.js';

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
export function permFact(stat: FileStat, p: Readonly<Permissions>): string {
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

/** Stream formatted lines, batched into chunks of about 64 KiB. */
function linesStream(entries: AsyncIterable<FileStat>, format: (stat: FileStat) => string): Readable {
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
  ctx: CommandContext,
  command: 'LIST' | 'NLST' | 'MLSD',
  format: (stat: FileStat, user: SessionUser) => string,
): Promise<void> {
  const { session } = ctx;
  const user = session.requirePermission('list');
  const path = session.resolve(command === 'MLSD' ? ctx.arg : stripListFlags(ctx.arg));
  const stat = await user.fs.stat(path);
  if (command === 'MLSD' && stat.type !== 'directory') throw new ReplyError(501, 'Not a directory.');
  await runTransfer(ctx, {
    command,
    path,
    direction: 'download',
    listing: true,
    announce: 'Here comes the directory listing.',
    completeText: 'Directory send OK.',
    open: async (signal) => linesStream(entriesOf(user, path, stat, signal), (entry) => format(entry, user)),
    pump: pumpDownload,
  });
}

function mlsx(session: Session, entry: FileStat, user: SessionUser, name?: string): string {
  return formatMlsxLine(entry, session.mlstFacts, permFact(entry, user.permissions), name);
}

export const listingCommands: Record<string, CommandSpec> = {
  LIST: {
    help: 'LIST [<sp> pathname]',
    handler: (ctx) => sendListing(ctx, 'LIST', (entry) => formatListLine(entry)),
  },
  NLST: {
    help: 'NLST [<sp> pathname]',
    handler: (ctx) => sendListing(ctx, 'NLST', (entry) => entry.name),
  },
  MLSD: {
    help: 'MLSD [<sp> pathname]',
    handler: (ctx) => sendListing(ctx, 'MLSD', (entry, user) => mlsx(ctx.session, entry, user)),
  },
  MLST: {
    help: 'MLST [<sp> pathname]',
    feat: (session) => `MLST ${MLST_FACTS.map((f) => `${f}${session.mlstFacts.has(f) ? '*' : ''};`).join('')}`,
    async handler({ session, arg, reply }) {
      const user = session.requirePermission('list');
      const path = session.resolve(arg);
      const stat = await user.fs.stat(path);
      reply(250, [`Listing ${path}`, ` ${mlsx(session, stat, user, path)}`, 'End.']);
    },
  },
};

/** STAT with a path: the listing over the control connection (213). */
export async function statPath(session: Session, arg: string): Promise<string[]> {
  const user = session.requirePermission('list');
  const path = session.resolve(stripListFlags(arg));
  const stat = await user.fs.stat(path);
  const lines = [`Status of ${path}:`];
  const controller = new AbortController();
  for await (const entry of entriesOf(user, path, stat, controller.signal)) lines.push(` ${formatListLine(entry)}`);
  lines.push('End of status.');
  return lines;
}
