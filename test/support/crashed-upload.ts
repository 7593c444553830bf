/**
 * Crashing the real `ftpkit` program mid-upload: start it from a config file, begin an
 * upload over a raw FTP connection, SIGKILL the process, start it again.
 */
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCli } from '../../packages/cli/test/support.js';
import { startTransfer } from './data.js';
import { RawClient } from './raw-client.js';

/** A running program. */
export type Program = Awaited<ReturnType<typeof startCli>>;

export const USER = 'u';
export const PASS = 'p';

/** Start the program on a free port with `config` written to `dir/name.json`, user `u`/`p`. */
export async function startProgram(dir: string, name: string, config: object): Promise<Program> {
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(config, null, 2));
  return startCli(['--config', file, '--user', `${USER}:${PASS}`, '--port', '0', '--log-level', 'warn']);
}

/** An upload in progress: its control connection and data socket. */
export interface OpenUpload {
  client: RawClient;
  socket: Socket;
}

/** Log in to `port`, start `STOR path` in binary mode and send `first`. */
export async function beginUpload(port: number, path: string, first: Buffer): Promise<OpenUpload> {
  const { client } = await RawClient.connect(port);
  await client.login(USER, PASS);
  await client.send('TYPE I');
  const { socket } = await startTransfer(client, `STOR ${path}`);
  socket.on('error', () => {}); // the server may vanish under it
  await new Promise<void>((resolve) => socket.write(first, () => resolve()));
  return { client, socket };
}

/** Keep sending `chunk` on `upload` every 100 ms for `ms` milliseconds; returns the bytes sent. */
export async function keepSending(upload: OpenUpload, chunk: Buffer, ms: number): Promise<number> {
  let sent = 0;
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) {
    await new Promise<void>((resolve) => upload.socket.write(chunk, () => resolve()));
    sent += chunk.length;
  }
  return sent;
}

/** SIGKILL the program and wait until it is gone (and reaped, so its pid is free). */
export async function sigkill(program: Program): Promise<void> {
  const exited = once(program.child, 'exit');
  program.child.kill('SIGKILL');
  await exited;
}

/** Polls `check` until it holds, or fails after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 8000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check()); await sleep(50)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
  }
}
