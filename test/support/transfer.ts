/** Upload and download helpers over a {@link RawClient}, with exact reply codes. */
import { collect, type RawClient, type Reply } from './raw-client.js';

/** What a transfer command got: the preliminary and the final reply. */
export interface TransferReplies {
  first: Reply;
  final: Reply;
}

/** Send `data` with `command path` (STOR, APPE, STOU) on a passive connection. */
export async function rawUpload(client: RawClient, command: string, path: string, data: Buffer): Promise<TransferReplies> {
  const socket = await client.passive();
  const first = await client.send(`${command} ${path}`);
  if (first.code !== 150) {
    socket.destroy();
    return { first, final: first };
  }
  socket.end(data);
  return { first, final: await client.read(15_000) };
}

/** RETR `path`; resolves with the bytes and how long they took to arrive. */
export async function rawDownload(client: RawClient, path: string): Promise<TransferReplies & { data: Buffer; ms: number }> {
  const socket = await client.passive();
  const started = performance.now();
  const received = collect(socket);
  const first = await client.send(`RETR ${path}`);
  if (first.code !== 150) {
    socket.destroy();
    return { first, final: first, data: Buffer.alloc(0), ms: 0 };
  }
  const data = await received;
  const ms = performance.now() - started;
  return { first, final: await client.read(15_000), data, ms };
}
