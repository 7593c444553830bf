/** File transfers: RETR, STOR, STOU, APPE (RFC 959, RFC 1123) and ABOR. */
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { runTransfer } from '../data/run-transfer.js';
import { pumpDownload, pumpUpload } from '../data/transfer.js';
import { FsError, isFsError } from '../fs/errors.js';
import type { ReadStream } from '../fs/filesystem.js';
import { baseName, joinPath, parentPath } from '../fs/paths.js';
import { afterTransfer, beforeTransfer, transferTransforms } from '../hooks/transfer.js';
import { ReplyError } from '../protocol/reply-error.js';
import type { ServerSession } from '../session.js';
import type { Session, SessionUser } from '../session-view.js';
import type { EngineContext, EngineSpec } from './engine-types.js';

/** The TYPE in force, as RETR's 150 and STAT name it. */
export function modeName(session: Session): string {
  return session.transferType === 'A' ? 'ASCII' : 'BINARY';
}

/** The path STOU picks a unique name next to: its argument, or `ftpkit` in the working directory. */
export function stouBase(session: Session, arg: string): string {
  return arg.trim() ? session.resolve(arg) : joinPath(session.cwd, 'ftpkit');
}

/** Yield twice to the event loop, then refuse to commit if the control connection died. */
async function clientStillThere(session: ServerSession): Promise<void> {
  // A killed client closes both connections at once; give the control FIN a chance to
  // be seen before the data connection's end is taken as a complete upload.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  if (session.closed) throw new FsError('Aborted', 'Client disconnected before the upload was confirmed.');
}

interface UploadOptions {
  command: 'STOR' | 'APPE' | 'STOU';
  path: string;
  user: SessionUser;
  start?: number;
  append?: boolean;
  /** STOU: announce the file name chosen. */
  unique?: boolean;
}

async function upload(ctx: EngineContext, options: UploadOptions): Promise<void> {
  const { session } = ctx;
  const request = await beforeTransfer(session, options.command, 'upload', options.path, options.start ?? 0);
  const { path } = request;
  const sizeHint = session.login.allocateHint;
  await runTransfer<Writable>(ctx, {
    command: options.command,
    path,
    direction: 'upload',
    announce: options.unique ? `FILE: ${baseName(path)}` : 'Ok to send data.',
    completeText: options.unique ? `Transfer complete (unique file name: ${baseName(path)}).` : undefined,
    open: (signal) =>
      options.user.fs.write(path, {
        signal,
        ...(options.start ? { start: options.start } : {}),
        ...(options.append ? { append: true } : {}),
        ...(sizeHint !== undefined ? { sizeHint } : {}),
      }),
    pump: async (sink, socket, pump) =>
      pumpUpload(socket, sink, {
        ...pump,
        transforms: await transferTransforms(request),
        beforeCommit: () => clientStillThere(session),
      }),
    settle: (result) => afterTransfer(request, result),
  });
}

/**
 * The stream RETR sends and the size of its file, from the stream's `fileStat` when the
 * adapter gives one (one lookup), else from a `stat` after opening. Refused before any
 * 150: a directory (550) and a REST offset beyond the end (554).
 */
async function openForDownload(user: SessionUser, path: string, start: number, signal: AbortSignal): Promise<{ source: Readable; size: number }> {
  let source: ReadStream;
  try {
    source = await user.fs.read(path, { start, signal });
  } catch (err) {
    throw isFsError(err, 'IsADirectory') ? new ReplyError(550, 'Not a plain file.') : err;
  }
  try {
    const stat = source.fileStat ?? (await user.fs.stat(path, { signal }));
    if (stat.type === 'directory') throw new ReplyError(550, 'Not a plain file.');
    if (start > stat.size) throw new ReplyError(554, 'Invalid REST parameter: beyond the end of the file.');
    return { source, size: stat.size };
  } catch (err) {
    source.destroy();
    throw err;
  }
}

/** A name in `dir` that does not exist yet. */
async function uniqueName(user: SessionUser, dir: string, prefix: string, signal: AbortSignal): Promise<string> {
  for (let attempt = 0; attempt < 16; attempt++) {
    const candidate = joinPath(dir, `${prefix}.${randomBytes(4).toString('hex')}`);
    try {
      await user.fs.stat(candidate, { signal });
    } catch (err) {
      if (isFsError(err, 'NotFound')) return candidate;
      throw err;
    }
  }
  throw new ReplyError(450, 'Could not find a unique file name.');
}

export const transferCommands: Record<string, EngineSpec> = {
  RETR: {
    fileTransfer: true,
    arg: 'required',
    help: 'RETR <sp> pathname',
    async handler(ctx) {
      const { session } = ctx;
      const user = session.requirePermission('read');
      const start = session.login.restOffset;
      const request = await beforeTransfer(session, 'RETR', 'download', session.resolve(ctx.arg), start);
      const { path } = request;
      let size = 0;
      await runTransfer(ctx, {
        command: 'RETR',
        path,
        direction: 'download',
        announce: () => `Opening ${modeName(session)} mode data connection for ${baseName(path)} (${size - start} bytes).`,
        open: async (signal) => {
          const stream = await openForDownload(user, path, start, signal);
          size = stream.size;
          return stream.source;
        },
        pump: async (source, socket, pump) => pumpDownload(source, socket, { ...pump, transforms: await transferTransforms(request) }),
        settle: (result) => afterTransfer(request, result),
      });
    },
  },
  STOR: {
    fileTransfer: true,
    arg: 'required',
    help: 'STOR <sp> pathname',
    async handler(ctx) {
      const { session } = ctx;
      const user = session.requirePermission('write');
      const start = session.login.restOffset;
      if (start > 0 && user.fs.capabilities?.resumeUpload === false) {
        throw new ReplyError(504, 'Resuming uploads (REST before STOR) is not supported here.');
      }
      const path = session.resolve(ctx.arg);
      await upload(ctx, { command: 'STOR', path, user, start });
    },
  },
  APPE: {
    fileTransfer: true,
    arg: 'required',
    help: 'APPE <sp> pathname',
    async handler(ctx) {
      const { session } = ctx;
      const user = session.requirePermission('append');
      if (user.fs.capabilities?.append === false) throw new ReplyError(504, 'APPE is not supported here.');
      const path = session.resolve(ctx.arg);
      await upload(ctx, { command: 'APPE', path, user, append: true });
    },
  },
  STOU: {
    fileTransfer: true,
    help: 'STOU [<sp> name-prefix]',
    async handler(ctx) {
      const { session } = ctx;
      const user = session.requirePermission('write');
      const hint = stouBase(session, ctx.arg);
      const path = await uniqueName(user, parentPath(hint), baseName(hint), ctx.signal);
      await upload(ctx, { command: 'STOU', path, user, unique: true });
    },
  },
  ABOR: {
    arg: 'none',
    duringTransfer: true,
    interruptsCommand: true,
    help: 'ABOR',
    async handler(ctx) {
      const { session, reply } = ctx;
      const transfer = session.transfer;
      if (transfer) {
        transfer.abort();
        await transfer.done; // the transfer answers 426 first
        return reply(226, 'ABOR successful.');
      }
      // RFC 959 4.1.3: a command in progress is answered 426 (its adapter call was
      // aborted), then ABOR 226; with nothing in progress, 225. Either way the data
      // channel goes, also one a PASV in progress just opened.
      const aborted = await session.runningCommands.abortOthers(ctx);
      session.setDataChannel(undefined);
      if (aborted) return reply(226, 'ABOR successful.');
      reply(225, 'No transfer to ABOR.');
    },
  },
};
