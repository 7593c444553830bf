/** Small node:http helpers for the admin API: JSON answers, errors, bounded JSON bodies. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An answer with a status other than 2xx; `message` goes to the client as `{ error }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Headers every answer carries: nothing is cached, sniffed or framed. */
export const COMMON_HEADERS = Object.freeze({
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});

/** Answer with `body` as JSON (or no body for 204). */
export function sendJson(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, { ...COMMON_HEADERS, ...headers }).end();
    return;
  }
  const text = `${JSON.stringify(body)}\n`;
  res
    .writeHead(status, { ...COMMON_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers })
    .end(text);
}

/**
 * The request's body parsed as a JSON object, read up to `limit` bytes: more is 413
 * (and the rest is not read), unparsable or not an object is 400.
 */
export async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw new HttpError(413, `request body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw new HttpError(413, `request body larger than ${limit} bytes`);
      chunks.push(chunk);
    }
  } catch (err) {
    // A client that hung up mid-body is a bad request, not a server error.
    throw err instanceof HttpError ? err : new HttpError(400, 'request body incomplete');
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, 'request body must be a JSON object');
  return value as Record<string, unknown>;
}
