/**
 * Runs the fuzzer against a live in-process server: several clients, from several
 * loopback addresses, each round in one state (before login, logged in, during a
 * RETR/STOR/LIST), send generated lines with TCP backpressure, then QUIT. Afterwards
 * it checks that every session and file descriptor is gone and a real client is
 * still served. Shared by the CI test and the long script.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { Client } from 'basic-ftp';
import { AuthError, FtpServer, READ_ONLY } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { openFds, waitUntil } from '../support/process-stats.js';
import { RawClient } from '../support/raw-client.js';
import { EXTRA_VERBS, LineGenerator } from './generator.js';

export interface FuzzOptions {
  /** Lines to send in all. */
  lines: number;
  seed: number;
  /** Clients running at once. Default 8. */
  concurrency?: number;
  /** Progress messages. */
  log?: (message: string) => void;
}

export interface FuzzReport {
  seed: number;
  linesSent: number;
  bytesSent: number;
  /** Final reply lines (`NNN text`) the server sent back. */
  repliesReceived: number;
  rounds: Record<'pre-login' | 'logged-in' | 'transfer', number>;
  /** Rounds whose QUIT was not answered by a close within the time limit. */
  stuckRounds: number;
  /** Connections refused at connect (421). */
  refused: number;
  /** 'error' events by message, e.g. refused data connections. */
  errors: Record<string, number>;
  durationMs: number;
  fdsBefore: number;
  fdsAfter: number;
  sessionsAfter: number;
  /** A basic-ftp client logged in, uploaded, listed and downloaded after the run. */
  realClientServed: boolean;
}

type State = keyof FuzzReport['rounds'];
const ADDRESSES = ['127.0.3.1', '127.0.3.2', '127.0.3.3', '127.0.3.4'];
const BIG = 4 * 1024 * 1024;
const QUIT_TIMEOUT_MS = 30_000;

/** Start a server, fuzz it, check it, close it. */
export async function fuzzServer(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => {});
  const scratch = new MemoryFileSystem({ files: { '/big.bin': Buffer.alloc(BIG, 9), '/file.txt': 'hello', '/dir/a.txt': 'a' } });
  const library = new MemoryFileSystem({ files: { '/big.bin': Buffer.alloc(BIG, 9), '/file.txt': 'hello' } });
  const server = new FtpServer({
    host: '127.0.0.1',
    port: 0,
    anonymous: true,
    dataConnectTimeout: 200,
    maxConnectionsPerIp: 100,
    // Bans would end the run early; the delay is kept short so PASS lines do not stall it.
    defender: { failedLoginDelay: 5, banAfterFailures: 0 },
    authenticate: ({ username, password, anonymous }) => {
      if (anonymous || (username === 'reader' && password === 'reader')) return { fs: library, permissions: READ_ONLY };
      if (username === 'user' && password === 'pass') return { fs: scratch };
      throw new AuthError('Login incorrect.');
    },
  });
  const errors: Record<string, number> = {};
  server.on('error', (err) => {
    const key = err.message.replace(/\d+(\.\d+){3}/g, 'ADDR');
    errors[key] = (errors[key] ?? 0) + 1;
  });
  const sinks = await startSinks();
  // Active-mode targets the generator makes valid go to our sinks, never to whatever
  // else listens on this machine; malformed, foreign and low ones are left as sent.
  server.use(['PORT', 'EPRT'], (ctx, next) => {
    ctx.arg = redirectToSink(ctx.verb, ctx.arg, sinks.ports.get(ctx.session.remoteAddress) ?? 0);
    return next();
  });
  const fdsBefore = openFds();
  const { port } = await server.listen();
  const verbs = [...(await announcedVerbs(port)), ...EXTRA_VERBS];
  const report: FuzzReport = {
    seed: options.seed,
    linesSent: 0,
    bytesSent: 0,
    repliesReceived: 0,
    rounds: { 'pre-login': 0, 'logged-in': 0, transfer: 0 },
    stuckRounds: 0,
    refused: 0,
    errors,
    durationMs: 0,
    fdsBefore,
    fdsAfter: 0,
    sessionsAfter: 0,
    realClientServed: false,
  };
  const started = performance.now();
  let lastLog = 0;
  const concurrency = options.concurrency ?? 8;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      const gen = new LineGenerator(options.seed * 1000 + worker, verbs);
      const address = ADDRESSES[worker % ADDRESSES.length]!;
      while (report.linesSent < options.lines) {
        await round(gen, port, address, report, options.lines);
        if (report.linesSent - lastLog >= 10_000) {
          lastLog = report.linesSent;
          log(`${report.linesSent} lines, ${(performance.now() - started).toFixed(0)} ms`);
        }
      }
    }),
  );
  report.durationMs = performance.now() - started;
  try {
    await waitUntil(() => server.sessions.size === 0, 15_000, 'sessions closed');
  } catch {
    // reported below
  }
  report.sessionsAfter = server.sessions.size;
  report.realClientServed = await realClientWorks(port);
  await waitUntil(() => server.sessions.size === 0, 5000).catch(() => {});
  // Sockets close asynchronously; give the last ones a moment before counting.
  await waitUntil(() => openFds() <= fdsBefore + 1, 5000).catch(() => {});
  report.fdsAfter = openFds() - 1; // minus the listening socket, open since the baseline
  await server.close({ timeout: 1000 });
  await sinks.close();
  return report;
}

async function round(gen: LineGenerator, port: number, address: string, report: FuzzReport, quota: number): Promise<void> {
  const state = gen.pick<State>(['pre-login', 'logged-in', 'transfer']);
  const { client, banner } = await RawClient.connect(port, '127.0.0.1', address);
  if (banner.code !== 220) {
    report.refused++;
    client.close();
    return;
  }
  report.rounds[state]++;
  client.socket.on('data', (chunk: string) => (report.repliesReceived += chunk.match(/^\d{3} /gm)?.length ?? 0));
  let data: Socket | undefined;
  try {
    if (state !== 'pre-login') await client.login();
    if (state === 'transfer') data = await startTransfer(gen, client, address);
    const socket = client.socket;
    const lines = 100 + gen.int(400);
    for (let i = 0; i < lines && report.linesSent < quota && !client.closed; i++) {
      const line = gen.line();
      report.linesSent++;
      report.bytesSent += line.length;
      // Split some lines across writes so they arrive in several TCP segments.
      const cut = gen.chance(0.2) ? gen.int(line.length + 1) : line.length;
      socket.write(line.subarray(0, cut));
      const flushed = socket.write(line.subarray(cut));
      if (!flushed) await Promise.race([once(socket, 'drain'), once(socket, 'close')]);
    }
    // End the planned transfer: the commands queued behind it (the server stops reading
    // past maxQueuedCommands) run, and then the QUIT.
    data?.destroy();
    if (!client.closed) {
      socket.write('\r\nQUIT\r\n');
      const timer = new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), QUIT_TIMEOUT_MS).unref());
      if ((await Promise.race([once(socket, 'close'), timer])) === 'stuck') report.stuckRounds++;
    }
  } catch {
    // A login or transfer setup broken by the fuzz itself is not a finding.
  } finally {
    client.close();
    data?.destroy();
  }
}

/** On a logged-in client: start a RETR or LIST (reader stalled) or a STOR (left open). */
async function startTransfer(gen: LineGenerator, client: RawClient, address: string): Promise<Socket> {
  await client.send('TYPE I');
  const kind = gen.pick(['RETR', 'STOR', 'LIST'] as const);
  const data = await client.passive(address);
  if (kind === 'STOR') {
    await client.send(`STOR upload-${gen.int(1000)}.bin`);
    data.write(gen.binary(1000));
  } else {
    data.pause();
    await client.send(kind === 'RETR' ? 'RETR big.bin' : 'LIST /');
  }
  return data;
}

/** The verbs the server lists in HELP. */
async function announcedVerbs(port: number): Promise<string[]> {
  const { client } = await RawClient.connect(port);
  const help = await client.send('HELP');
  client.close();
  return help.text
    .split('\n')
    .slice(1, -1)
    .flatMap((line) => line.trim().split(/\s+/))
    .filter((word) => /^[A-Z]{3,4}$/.test(word));
}

function redirectToSink(verb: string, arg: string, sinkPort: number): string {
  if (verb === 'PORT') {
    const parts = arg.split(',');
    const p1 = Number(parts[4]);
    const p2 = Number(parts[5]);
    if (parts.length !== 6 || !(p1 * 256 + p2 >= 1024)) return arg;
    return [...parts.slice(0, 4), String(sinkPort >> 8), String(sinkPort & 255)].join(',');
  }
  const m = /^(.)(.*)\1(\d+)\1$/.exec(arg.trim());
  if (!m || Number(m[3]) < 1024) return arg;
  return arg.trim().replace(/\d+(.)$/, `${sinkPort}$1`);
}

/** One listener per client address that takes active data connections. */
async function startSinks(): Promise<{ ports: Map<string, number>; close(): Promise<void> }> {
  const servers: Server[] = [];
  const ports = new Map<string, number>();
  for (const address of ADDRESSES) {
    const sink = createServer((socket) => {
      socket.on('error', () => {});
      socket.resume();
      socket.end(Buffer.alloc(100, 0x78));
    });
    await new Promise<void>((resolve) => sink.listen(0, address, resolve));
    servers.push(sink);
    ports.set(address, (sink.address() as { port: number }).port);
  }
  return { ports, close: () => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => {}) };
}

async function realClientWorks(port: number): Promise<boolean> {
  const client = new Client(10_000);
  try {
    await client.access({ host: '127.0.0.1', port, user: 'user', password: 'pass' });
    await client.uploadFrom(Readable.from([Buffer.from('after the storm')]), 'check.txt');
    const names = (await client.list()).map((f) => f.name);
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    await client.downloadTo(sink, 'check.txt');
    return names.includes('check.txt') && Buffer.concat(chunks).toString() === 'after the storm';
  } catch {
    return false;
  } finally {
    client.close();
  }
}
