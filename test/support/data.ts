/**
 * Data-connection helpers for protocol tests: run a transfer command over a passive
 * (EPSV) or active (PORT/EPRT to a local listener) data connection, either asserting
 * the 150 … 226 replies around it (`download`, `upload`) or reporting them, refusals
 * included (`tryDownload`, `tryUpload`).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { collect, type RawClient, type Reply } from './raw-client.js';

export type DataMode = 'passive' | 'port' | 'eprt';

/** A local listener for active mode: the server connects to it once. */
export interface ActiveTarget {
  port: number;
  /** The PORT argument, h1,h2,h3,h4,p1,p2. */
  portArg: string;
  /** The EPRT argument, |1|127.0.0.1|port|. */
  eprtArg: string;
  /** The data connection the server made. */
  accepted: Promise<Socket>;
  close(): void;
}

export async function activeTarget(host = '127.0.0.1'): Promise<ActiveTarget> {
  const listener = createServer();
  listener.listen(0, host);
  await once(listener, 'listening');
  const port = (listener.address() as { port: number }).port;
  const accepted = new Promise<Socket>((resolve) =>
    listener.once('connection', (socket) => {
      socket.on('error', () => {});
      listener.close();
      resolve(socket);
    }),
  );
  return {
    port,
    portArg: `${host.split('.').join(',')},${port >> 8},${port & 255}`,
    eprtArg: `|1|${host}|${port}|`,
    accepted,
    close: () => listener.close(),
  };
}

/** The replies around a transfer command: the preliminary (150, or the refusal) and the final one. */
export interface TransferReplies {
  preliminary: Reply;
  /** The reply after the data moved; the refusal again when there was no 150. */
  final: Reply;
}

/**
 * Set up a data connection in the given mode and send `command`. With a 150 the data
 * socket is returned; otherwise the refusal, with no socket.
 */
export async function openTransfer(client: RawClient, command: string, mode: DataMode = 'passive'): Promise<{ socket?: Socket; preliminary: Reply }> {
  if (mode === 'passive') {
    const socket = await client.passive();
    const preliminary = await client.send(command);
    if (preliminary.code === 150) return { socket, preliminary };
    socket.destroy();
    return { preliminary };
  }
  const target = await activeTarget();
  const setup = await client.send(mode === 'port' ? `PORT ${target.portArg}` : `EPRT ${target.eprtArg}`);
  assert.equal(setup.code, 200, setup.text);
  const preliminary = await client.send(command);
  if (preliminary.code === 150) return { socket: await target.accepted, preliminary };
  target.close();
  return { preliminary };
}

/** Like {@link openTransfer}, but throws (with the reply) unless the server answered 150. */
export async function startTransfer(client: RawClient, command: string, mode: DataMode = 'passive'): Promise<{ socket: Socket; preliminary: Reply }> {
  const { socket, preliminary } = await openTransfer(client, command, mode);
  if (!socket) throw new Error(`${command}: expected 150, got ${preliminary.text}`);
  return { socket, preliminary };
}

/**
 * Run a download command (RETR, LIST, NLST, MLSD) and report what happened, refusals
 * included: the replies, the bytes, and the milliseconds from sending the command to
 * the end of the data.
 */
export async function tryDownload(client: RawClient, command: string, mode: DataMode = 'passive', timeoutMs = 15_000): Promise<TransferReplies & { data: Buffer; ms: number }> {
  const started = performance.now();
  const { socket, preliminary } = await openTransfer(client, command, mode);
  if (!socket) return { preliminary, final: preliminary, data: Buffer.alloc(0), ms: 0 };
  const data = await collect(socket);
  const ms = performance.now() - started;
  return { preliminary, final: await client.read(timeoutMs), data, ms };
}

/** Run an upload command (STOR, APPE, STOU) with `data` and report the replies, refusals included. */
export async function tryUpload(client: RawClient, command: string, data: Buffer | string, mode: DataMode = 'passive', timeoutMs = 15_000): Promise<TransferReplies> {
  const { socket, preliminary } = await openTransfer(client, command, mode);
  if (!socket) return { preliminary, final: preliminary };
  socket.end(data);
  return { preliminary, final: await client.read(timeoutMs) };
}

/** Run a download command (RETR, LIST, NLST, MLSD); asserts 150 then 226, returns the bytes. */
export async function download(client: RawClient, command: string, mode: DataMode = 'passive'): Promise<Buffer> {
  const { preliminary, final, data } = await tryDownload(client, command, mode);
  assert.equal(preliminary.code, 150, `${command}: ${preliminary.text}`);
  assert.equal(final.code, 226, `${command}: ${final.text}`);
  return data;
}

/** Run an upload command (STOR, APPE, STOU); asserts 150 then 226, returns both replies. */
export async function upload(client: RawClient, command: string, data: Buffer | string, mode: DataMode = 'passive'): Promise<TransferReplies> {
  const replies = await tryUpload(client, command, data, mode);
  assert.equal(replies.preliminary.code, 150, `${command}: ${replies.preliminary.text}`);
  assert.equal(replies.final.code, 226, `${command}: ${replies.final.text}`);
  return replies;
}
