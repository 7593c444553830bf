/**
 * Data-connection helpers for protocol tests: run a transfer command over a passive
 * (EPSV) or active (PORT/EPRT to a local listener) data connection and check the
 * 150 … 226 replies around it.
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

/**
 * Set up a data connection in the given mode and send `command`; resolves with the
 * data socket once the server answered 150. Throws (with the reply) otherwise.
 */
export async function startTransfer(client: RawClient, command: string, mode: DataMode = 'passive'): Promise<{ socket: Socket; preliminary: Reply }> {
  let socket: Socket;
  let preliminary: Reply;
  if (mode === 'passive') {
    socket = await client.passive();
    preliminary = await client.send(command);
  } else {
    const target = await activeTarget();
    const setup = await client.send(mode === 'port' ? `PORT ${target.portArg}` : `EPRT ${target.eprtArg}`);
    assert.equal(setup.code, 200, setup.text);
    preliminary = await client.send(command);
    if (preliminary.code !== 150) target.close();
    socket = preliminary.code === 150 ? await target.accepted : (undefined as never);
  }
  if (preliminary.code !== 150) {
    socket?.destroy();
    throw new Error(`${command}: expected 150, got ${preliminary.text}`);
  }
  return { socket, preliminary };
}

/** Run a download command (RETR, LIST, NLST, MLSD); asserts 150 then 226, returns the bytes. */
export async function download(client: RawClient, command: string, mode: DataMode = 'passive'): Promise<Buffer> {
  const { socket } = await startTransfer(client, command, mode);
  const data = await collect(socket);
  const final = await client.read();
  assert.equal(final.code, 226, `${command}: ${final.text}`);
  return data;
}

/** Run an upload command (STOR, APPE, STOU); asserts 150 then 226, returns both replies. */
export async function upload(client: RawClient, command: string, data: Buffer | string, mode: DataMode = 'passive'): Promise<{ preliminary: Reply; final: Reply }> {
  const { socket, preliminary } = await startTransfer(client, command, mode);
  socket.end(data);
  const final = await client.read();
  assert.equal(final.code, 226, `${command}: ${final.text}`);
  return { preliminary, final };
}
