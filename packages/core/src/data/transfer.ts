/**
 * The transfer pipeline: moves bytes between a file system stream and a data
 * connection with backpressure, TYPE A conversion, byte counts and abort, and decides
 * the honest outcome of every transfer.
 */
import type { Socket } from 'node:net';
import type { Readable, Transform, Writable } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { directReceiveOf, directSendOf } from '../fs/direct-transfer.js';
import { isFsError, replyForError } from '../fs/errors.js';
import { isReplyError } from '../protocol/reply-error.js';
import { fromNetworkAscii, toNetworkAscii } from './ascii.js';
import { endWritable, pipeStreams } from './pipe.js';

/** How a transfer ended. */
export type TransferStatus = 'completed' | 'aborted' | 'failed';

/** Which way the bytes went. */
export type TransferDirection = 'download' | 'upload';

/** A transfer in progress, as seen by ABOR, STAT and observers. */
export interface ActiveTransfer {
  /** The command that started it: RETR, STOR, APPE, STOU, LIST, NLST, MLSD. */
  readonly command: string;
  /** Virtual path of the file or directory. */
  readonly path: string;
  readonly direction: TransferDirection;
  /** `Date.now()` when it started. */
  readonly startedAt: number;
  /** Bytes moved so far (file bytes, before TYPE A conversion). */
  readonly bytes: number;
}

/** @internal A transfer in progress, with the controls the session needs. */
export interface RunningTransfer extends ActiveTransfer {
  /** Stop the transfer (ABOR, session end). */
  abort(): void;
  /** Settles once the transfer command has sent its final reply. */
  readonly done: Promise<void>;
}

/** The outcome reported when a transfer ends. */
export interface TransferResult {
  /** `completed` only when every byte was moved and the client was answered 226. */
  status: TransferStatus;
  /** Bytes moved (file bytes, before TYPE A conversion). */
  bytes: number;
  durationMs: number;
  /** Virtual path of the file or directory. */
  path: string;
  /** Why it was aborted or failed. */
  error?: unknown;
  /** The reply the client got (226, 426, 451, 552 ...). */
  reply: { code: number; text: string };
}

/** The moving parts of one transfer, wired by `runTransfer`. */
export interface PumpOptions {
  ascii: boolean;
  signal: AbortSignal;
  /** Called with every chunk's size. */
  count(bytes: number): void;
  /** Streams the file bytes pass through (transfer hooks), in order. */
  transforms?: Transform[];
}

/** Whether the bytes may skip the streams: nothing sits between file and socket. */
function plainConnection(socket: Socket, options: PumpOptions): boolean {
  return !options.ascii && !options.transforms?.length && !(socket instanceof TLSSocket);
}

/** File system stream → data connection (directly, when the stream offers it, nothing sits between and its file allows). */
export async function pumpDownload(source: Readable, socket: Socket, options: PumpOptions): Promise<void> {
  const direct = plainConnection(socket, options) ? directSendOf(source)?.(socket, { signal: options.signal, count: options.count }) : undefined;
  if (direct && (await direct)) {
    source.destroy();
    return;
  }
  source.on('data', (chunk: Buffer) => options.count(chunk.length));
  const streams: (Readable | Writable)[] = [source, ...(options.transforms ?? [])];
  if (options.ascii) streams.push(toNetworkAscii());
  streams.push(socket);
  await pipeStreams(streams, options.signal);
}

/** Extra options of an upload. */
export interface UploadPumpOptions extends PumpOptions {
  /**
   * Decides, once the data connection has ended, whether the upload may be committed.
   * In stream mode a client that died also ends its data connection cleanly, so the
   * session checks that the control connection is still alive; throwing aborts.
   */
  beforeCommit(): Promise<void>;
}

/** Data connection → file system stream (directly, when the sink offers it, nothing sits between and its file allows; the streams carry on after a refusal). */
export async function pumpUpload(socket: Socket, sink: Writable, options: UploadPumpOptions): Promise<void> {
  const direct = plainConnection(socket, options) ? directReceiveOf(sink)?.(socket, { signal: options.signal, count: options.count }) : undefined;
  if (direct && (await direct)) {
    await options.beforeCommit();
    await endWritable(sink, options.signal);
    return;
  }
  socket.on('data', (chunk: Buffer) => options.count(chunk.length));
  const streams: (Readable | Writable)[] = [socket];
  if (options.ascii) streams.push(fromNetworkAscii());
  streams.push(...(options.transforms ?? []), sink);
  await pipeStreams(streams, options.signal, options.beforeCommit);
}

/**
 * Classify a pump failure. `aborted` says whether ABOR (or the session ending) fired
 * the signal; `dataLost` whether the data connection failed. An adapter's FsError is
 * answered with its own reply; a broken data connection is an abort (426).
 */
export function classifyFailure(
  error: unknown,
  aborted: boolean,
  dataLost: boolean,
): { status: TransferStatus; reply: { code: number; text: string } } {
  if (aborted) return { status: 'aborted', reply: { code: 426, text: 'Connection closed; transfer aborted.' } };
  // A transform (a scanner, say) refusing the data mid-stream.
  if (isReplyError(error)) return { status: 'failed', reply: { code: error.code, text: error.message } };
  if (isFsError(error) && error.code !== 'Aborted') return { status: 'failed', reply: replyForError(error) };
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (dataLost || isFsError(error) || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'EPIPE') {
    return { status: 'aborted', reply: { code: 426, text: 'Data connection closed; transfer aborted.' } };
  }
  return { status: 'failed', reply: { code: 451, text: 'Transfer failed: local error in processing.' } };
}
