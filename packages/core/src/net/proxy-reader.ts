/**
 * Reading a PROXY header off a freshly accepted socket: within a time limit, never
 * buffering more than the header's cap plus one read, and giving back to the stream
 * every byte that follows the header (the first FTP command, or a TLS ClientHello),
 * so the consumer that attaches next reads the stream as if the header never was.
 */
import type { Socket } from 'node:net';
import { DEFAULT_MAX_V2_LENGTH, parseProxyHeader, ProxyProtocolError, type ProxyHeader } from './proxy-protocol.js';

/**
 * Read the PROXY header at the start of `socket`. Rejects with a
 * {@link ProxyProtocolError} when the bytes are not a valid header, the connection ends
 * first, or `timeoutMs` passes; the caller then destroys the socket.
 *
 * The socket is read in paused mode (the `'readable'` event) and that listener is
 * removed at the end, which leaves the stream as a fresh one: a `'data'` listener or a
 * TLS wrapper attached afterwards gets the remaining bytes first.
 */
export function readProxyHeader(socket: Socket, timeoutMs: number, maxV2Length = DEFAULT_MAX_V2_LENGTH): Promise<ProxyHeader> {
  return new Promise((resolve, reject) => {
    let received: Buffer | undefined;
    const finish = (error: Error | undefined, header?: ProxyHeader) => {
      clearTimeout(timer);
      socket.off('readable', onReadable);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
      if (error) reject(error);
      else resolve(header!);
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      while ((chunk = socket.read() as Buffer | null) !== null) {
        received = received ? Buffer.concat([received, chunk]) : chunk;
        let parsed;
        try {
          parsed = parseProxyHeader(received, maxV2Length);
        } catch (err) {
          return finish(err as Error);
        }
        if (!parsed) continue;
        if (parsed.length < received.length) socket.unshift(received.subarray(parsed.length));
        return finish(undefined, parsed.header);
      }
    };
    const onEnd = () => finish(new ProxyProtocolError('connection closed before a complete PROXY header'));
    const onError = (err: Error) => finish(new ProxyProtocolError(`connection failed before a complete PROXY header: ${err.message}`));
    const timer = setTimeout(() => finish(new ProxyProtocolError(`no complete PROXY header within ${timeoutMs} ms`)), timeoutMs);
    socket.on('readable', onReadable);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.once('error', onError);
  });
}
