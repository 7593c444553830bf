/**
 * TYPE A conversion (RFC 959 section 3.1.1.1): on the wire lines end in CRLF; files on
 * the server end lines in LF. Both transforms keep state across chunk boundaries.
 */
import { Transform, type TransformCallback } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;
const CRLF = Buffer.from('\r\n');

/** File → wire: every bare LF becomes CRLF (an existing CRLF is left alone). */
export function toNetworkAscii(): Transform {
  let previous = -1;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      let start = 0;
      const parts: Buffer[] = [];
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] === LF && (i > 0 ? chunk[i - 1] : previous) !== CR) {
          parts.push(chunk.subarray(start, i), CRLF);
          start = i + 1;
        }
      }
      if (chunk.length > 0) previous = chunk[chunk.length - 1]!;
      if (start === 0) return done(null, chunk);
      parts.push(chunk.subarray(start));
      done(null, Buffer.concat(parts));
    },
  });
}

/** Wire → file: CRLF becomes LF; a lone CR is kept. */
export function fromNetworkAscii(): Transform {
  let pendingCr = false;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      if (chunk.length === 0) return done(); // a pending CR waits for a real byte
      const out = Buffer.allocUnsafe(chunk.length + 1);
      let n = 0;
      let i = 0;
      if (pendingCr) {
        if (chunk[0] !== LF) out[n++] = CR;
        pendingCr = false;
      }
      for (; i < chunk.length; i++) {
        const byte = chunk[i]!;
        if (byte === CR) {
          if (i === chunk.length - 1) pendingCr = true;
          else if (chunk[i + 1] !== LF) out[n++] = CR;
          continue;
        }
        out[n++] = byte;
      }
      done(null, out.subarray(0, n));
    },
    flush(done: TransformCallback) {
      done(null, pendingCr ? Buffer.from([CR]) : undefined);
    },
  });
}
