/**
 * A real redis-server for tests, on a free loopback port, without persistence. It can
 * be stopped and started again on the same port (a Redis restart). Without the binary
 * the tests skip with a notice, except under CI, where they run and fail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { skipUnless } from './process.js';

/** A `skip` value for `describe`/`test`: under CI a missing redis-server fails instead. */
export const redisSkip: false | string = process.env.CI ? false : skipUnless('redis-server');

/** A free TCP port on 127.0.0.1 (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** How to run a test redis-server. */
export interface RedisProcessOptions {
  /** Serve TLS only (rediss://), with this certificate. */
  tls?: { certFile: string; keyFile: string; caFile: string };
  /** `requirepass`. */
  password?: string;
}

/** A running redis-server. */
export class RedisProcess {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly options: RedisProcessOptions,
  ) {}

  /** Start redis-server on a free port and wait until it accepts connections. */
  static async start(options: RedisProcessOptions = {}): Promise<RedisProcess> {
    const redis = new RedisProcess(await freePort(), options);
    await redis.restart();
    return redis;
  }

  /** `redis://127.0.0.1:PORT`, or `rediss://` with TLS. */
  get url(): string {
    return `${this.options.tls ? 'rediss' : 'redis'}://127.0.0.1:${this.port}`;
  }

  /** (Re)start the server on the same port; its data starts empty. */
  async restart(): Promise<void> {
    await this.stop();
    const { tls, password } = this.options;
    const listen = tls
      ? ['--port', '0', '--tls-port', String(this.port), '--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile, '--tls-ca-cert-file', tls.caFile, '--tls-auth-clients', 'no']
      : ['--port', String(this.port)];
    const args = [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(password ? ['--requirepass', password] : [])];
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    this.child.on('error', () => {});
    for (let i = 0; i < 100; i++) {
      if (await accepts(this.port)) return;
      if (this.child.exitCode !== null) break;
      await sleep(50);
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** Stop the server (SIGKILL: nothing is saved, clients see the connection drop). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
