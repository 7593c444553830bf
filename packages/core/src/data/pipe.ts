/**
 * Connect streams with `pipe()` (backpressure included) and settle when the last one
 * has finished, or as soon as any fails, closes early or the signal fires; every stream
 * is then destroyed. `stream.pipeline` does the same but allocates an AbortController
 * and aborts it (creating a DOMException) on every call, which shows at thousands of
 * small transfers a second.
 */
import { Readable, type Writable } from 'node:stream';

type AnyStream = Readable | Writable;

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/**
 * A single stream has nothing piped into it: it is ended at once.
 * @param beforeEnd when given, the last stream is ended only after it resolves (and the
 *   pipe fails with its rejection): an upload's sink must not commit before the session
 *   has checked that the client is still there.
 */
export function pipeStreams(
  streams: readonly AnyStream[],
  signal: AbortSignal,
  beforeEnd?: () => Promise<void>,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const last = streams[streams.length - 1] as Writable;
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (!err) return resolve();
      // An upload's sink learns the failure (the contract: destroy(err) means abort);
      // sources, transforms and the data socket are just closed, so that an adapter's
      // error is not echoed back as an 'error' of the data connection.
      for (const stream of streams) stream.destroy(stream instanceof Readable ? undefined : err);
      reject(err);
    };
    const onAbort = () => settle(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
    for (const [i, stream] of streams.entries()) {
      stream.on('error', settle);
      if (i < streams.length - 1) {
        const readable = stream as Readable;
        readable.once('close', () => {
          if (!readable.readableEnded) settle(prematureClose());
        });
        const next = streams[i + 1] as Writable;
        if (next === last && beforeEnd) {
          readable.pipe(next, { end: false });
          readable.once('end', () => beforeEnd().then(() => settled || next.end(), settle));
        } else {
          readable.pipe(next);
        }
      }
    }
    last.once('finish', () => settle());
    last.once('close', () => {
      if (!last.writableFinished) settle(prematureClose());
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    if (streams.length === 1 && !settled) last.end();
  });
}

/**
 * End `sink` and settle once it has finished (an upload's sink commits then), or as soon
 * as it fails, closes early or the signal fires; it is destroyed on failure.
 */
export function endWritable(sink: Writable, signal: AbortSignal): Promise<void> {
  return pipeStreams([sink], signal);
}
