/**
 * The life of one transfer command, shared by RETR, STOR, APPE, STOU, LIST, NLST and
 * MLSD: take the data channel, open the file system stream, announce 150, connect,
 * pump, and answer 226 / 426 / 4xx-5xx with an honest outcome for observers.
 */
import type { Socket } from 'node:net';
import { finished, type Readable, type Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EngineContext } from '../commands/engine-types.js';
import { toError } from '../errors.js';
import { isReplyError } from '../protocol/reply-error.js';
import { requireDataProtection } from '../tls/policy.js';
import type { DataChannel } from './channel.js';
import { classifyFailure, type PumpOptions, type RunningTransfer, type TransferDirection, type TransferResult } from './transfer.js';

/** What a transfer command hands to {@link runTransfer}. */
export interface TransferPlan<S extends Readable | Writable> {
  command: string;
  path: string;
  direction: TransferDirection;
  /** Opens the file system stream. Failures here are answered before any 150. */
  open(signal: AbortSignal): Promise<S>;
  /** Text of the 150 reply; a function is called once the stream is open. */
  announce: string | (() => string);
  /** Moves the bytes; resolves when the transfer is complete. */
  pump(stream: S, socket: Socket, options: PumpOptions): Promise<void>;
  /** Text of the 226 reply. */
  completeText?: string;
  /** A directory listing: always sent as CRLF lines, whatever the TYPE. */
  listing?: boolean;
  /**
   * Decides the outcome to answer with once the bytes stopped moving (transfer hooks);
   * the final reply waits for it. Must not throw.
   */
  settle?(result: TransferResult): Promise<TransferResult>;
}

const PROGRESS_INTERVAL_MS = 1000;
/**
 * Longest a download's 150 waits to leave with its 226. A small file is sent in well
 * under this, so both replies take one write and wake the client once, as pyftpdlib's
 * do; a client that reads no data before the 150 waits this long at most.
 */
const HOLD_150_MS = 5;
/** Longest wait for an adapter to clean up a destroyed stream (remove a temp file, abort a multipart upload). */
const CLEANUP_WAIT_MS = 10_000;

/** Run a transfer to its end; returns its outcome (also emitted as 'transfer-end'). */
export async function runTransfer<S extends Readable | Writable>(
  ctx: EngineContext,
  plan: TransferPlan<S>,
): Promise<TransferResult> {
  const { session } = ctx;
  requireDataProtection(session);
  session.requireDataChannel();
  // The command's own signal: ABOR (also before the transfer is registered, while the
  // file opens), a vanished client, and the transfer's abort() and stall timer fire it.
  const signal = ctx.signal;
  const abort = () => ctx.abort();
  // A refusal here (550: no such file) leaves the data channel to the next command, as
  // vsftpd does: a client may try another file over the same PASV.
  const stream = await plan.open(signal);
  // The pump reports the stream's errors. Outside it (waiting for the data connection,
  // destroyed on abort) an unhandled 'error' would crash the host process.
  stream.on('error', () => {});
  let channel: DataChannel;
  try {
    channel = session.takeDataChannel(); // an ABOR or the client's exit while the file opened closed it
  } catch (err) {
    stream.destroy(toError(err)); // an upload's sink cleans up
    throw err;
  }

  let finish!: () => void;
  const startedAt = Date.now();
  const transfer: RunningTransfer & { bytes: number } = {
    command: plan.command,
    path: plan.path,
    direction: plan.direction,
    startedAt,
    bytes: 0,
    abort,
    done: new Promise<void>((resolve) => (finish = resolve)),
  };
  session.transfer = transfer;
  session.transferring(true);
  if (session.closed) transfer.abort(); // the client left while the file was being opened
  const server = session.server;
  let socket: Socket | undefined;
  let progress: NodeJS.Timeout | undefined;
  let stall: NodeJS.Timeout | undefined;
  let dataLost = false;
  // Only over a plain data connection the client has made, or makes without waiting for
  // the 150: lftp, curl, ftplib and basic-ftp connect right after PASV, and their
  // connection is often accepted just after the command is read. A client seen to wait
  // (the hold ran out before its connection came) is not held for again. A TLS handshake
  // may wait for the client, which may wait for the 150.
  const holds = channel.connected || (channel.clientConnects && session.connectsBefore150);
  const release =
    plan.direction === 'download' && holds && !session.protectData
      ? session.holdReplies(HOLD_150_MS, () => {
          if (!socket) session.connectsBefore150 = false;
        })
      : undefined;
  const move = async (): Promise<TransferResult> => {
    ctx.reply(150, typeof plan.announce === 'string' ? plan.announce : plan.announce());
    try {
      socket = await session.openDataConnection(channel, signal);
    } catch (err) {
      stream.destroy(new Error('data connection failed'));
      if (signal.aborted) {
        return outcome('aborted', plan.path, startedAt, 0, err, 426, 'Transfer aborted before the data connection was made.');
      }
      const reply = isReplyError(err) ? err : { code: 425, message: 'Failed to establish data connection.' };
      return outcome('failed', plan.path, startedAt, 0, err, reply.code, reply.message);
    }
    const dataSocket = socket;
    dataSocket.once('error', () => (dataLost = true));
    if (server.listens('transfer-start')) server.emit('transfer-start', { ...transfer, session });
    if (server.listens('transfer-progress')) {
      progress = setInterval(() => server.emit('transfer-progress', { ...transfer, session }), PROGRESS_INTERVAL_MS);
    }
    // A transfer that moves nothing for dataIdleTimeout is aborted (the idle timer is paused).
    stall = setTimeout(abort, server.options.dataIdleTimeout).unref();
    try {
      if (signal.aborted) throw new Error('aborted');
      await plan.pump(stream, dataSocket, {
        ascii: session.transferType === 'A' && !plan.listing,
        signal,
        count: (n) => {
          transfer.bytes += n;
          stall?.refresh();
        },
      });
      return outcome('completed', plan.path, startedAt, transfer.bytes, undefined, 226, plan.completeText ?? 'Transfer complete.');
    } catch (err) {
      stream.destroy(toError(err));
      const failure = classifyFailure(err, signal.aborted, dataLost);
      return outcome(failure.status, plan.path, startedAt, transfer.bytes, err, failure.reply.code, failure.reply.text);
    }
  };

  let result = await move();
  clearInterval(progress);
  clearTimeout(stall);
  // A failed stream was destroyed: its adapter's cleanup must be over before the final
  // reply, and before the session (on a vanished client) closes the file system.
  if (result.status !== 'completed') await cleanedUp(stream);
  if (socket && result.status === 'completed') await closeGracefully(socket);
  else socket?.destroy();
  // Still the running transfer while hooks decide, so ABOR's reply follows the final one.
  if (plan.settle) result = await plan.settle(result);
  session.transfer = undefined;
  session.transferring(false);
  ctx.reply(result.reply.code, result.reply.text);
  release?.();
  if (server.listens('transfer-end')) server.emit('transfer-end', { ...transfer, session, result });
  finish();
  return result;
}

/** Resolves once a destroyed stream has run its cleanup ('close'), or after CLEANUP_WAIT_MS. */
async function cleanedUp(stream: Readable | Writable): Promise<void> {
  const done = new Promise<void>((resolve) => finished(stream, () => resolve()));
  await Promise.race([done, sleep(CLEANUP_WAIT_MS, undefined, { ref: false })]);
}

/**
 * End a data connection whose transfer completed and wait until the end is flushed,
 * before the 226: under TLS this sends close_notify, without which clients may report
 * a truncated file (and Python's ftplib waits for it after an upload).
 */
async function closeGracefully(socket: Socket): Promise<void> {
  if (!socket.writableFinished && !socket.destroyed) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      socket.once('finish', done);
      socket.once('close', done);
      socket.end();
    });
  }
  socket.destroy();
}

function outcome(
  status: TransferResult['status'],
  path: string,
  startedAt: number,
  bytes: number,
  error: unknown,
  code: number,
  text: string,
): TransferResult {
  return { status, bytes, path, durationMs: Date.now() - startedAt, reply: { code, text }, ...(error ? { error } : {}) };
}
