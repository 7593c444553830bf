/**
 * FtpServer: listens, admits connections within the limits, keeps the session
 * registry, runs command middleware and emits typed events. It never installs signal
 * handlers: stopping is the host's call (`close()`).
 */
import { EventEmitter } from 'eventemitter3';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { CommandRegistry } from './commands/registry.js';
import { builtinRegistry } from './commands/table.js';
import type { CommandMiddleware, CommandSpec } from './commands/types.js';
import type { ServerContext } from './context.js';
import { PassivePortPool } from './data/passive.js';
import type { FtpServerEvents } from './events.js';
import { attachLogger } from './logging.js';
import { resolveOptions, type FtpServerOptions, type ResolvedOptions } from './options.js';
import { normalizeAddress } from './security/address.js';
import { Session } from './session.js';

/** Options of {@link FtpServer.close}. */
export interface CloseOptions {
  /** Milliseconds running transfers may take to finish before they are aborted. Default 10 s. */
  timeout?: number;
}

export class FtpServer extends EventEmitter<FtpServerEvents> {
  /** The options in force, defaults filled in. */
  readonly options: ResolvedOptions;
  private readonly registry: CommandRegistry = builtinRegistry();
  private readonly middleware: CommandMiddleware[] = [];
  private readonly live = new Set<Session>();
  private readonly perAddress = new Map<string, number>();
  private readonly context: ServerContext;
  private listener: Server | undefined;

  constructor(options: FtpServerOptions) {
    super();
    this.options = resolveOptions(options);
    const passivePorts = new PassivePortPool(this.options.passivePorts);
    this.context = {
      options: this.options,
      commands: this.registry,
      middleware: this.middleware,
      passivePorts,
      emit: (event, ...args) => this.safeEmit(event, args),
      listens: (event) => this.listenerCount(event) > 0,
      sessionClosed: (session) => this.forget(session),
    };
    if (this.options.logger) attachLogger(this, this.options.logger);
  }

  /** The address the server listens on, once listening. */
  get address(): AddressInfo | undefined {
    const address = this.listener?.address();
    return typeof address === 'object' && address ? address : undefined;
  }

  /** The sessions currently connected. */
  get sessions(): ReadonlySet<Session> {
    return this.live;
  }

  /**
   * Add command middleware, run for every command in registration order; or, with a
   * list of verbs first, only for those verbs.
   */
  use(middleware: CommandMiddleware): this;
  use(verbs: string | readonly string[], middleware: CommandMiddleware): this;
  use(a: CommandMiddleware | string | readonly string[], b?: CommandMiddleware): this {
    if (typeof a === 'function') {
      this.middleware.push(a);
      return this;
    }
    const verbs = new Set((typeof a === 'string' ? [a] : a).map((v) => v.toUpperCase()));
    const inner = b!;
    this.middleware.push((ctx, next) => (verbs.has(ctx.verb) ? inner(ctx, next) : next()));
    return this;
  }

  /** Add or replace a verb. It appears in HELP, and in FEAT when `spec.feat` says so. */
  addCommand(verb: string, spec: CommandSpec): this {
    this.registry.add(verb, spec);
    return this;
  }

  /** Add or replace a `SITE` subcommand; it appears in `SITE HELP`. */
  addSiteCommand(name: string, spec: CommandSpec): this {
    this.registry.addSite(name, spec);
    return this;
  }

  /** Start listening; resolves with the bound address (port 0 picks a free port). */
  listen(): Promise<AddressInfo> {
    if (this.listener) return Promise.reject(new Error('FtpServer is already listening'));
    const listener = createServer({ noDelay: true }, (socket) => this.admit(socket));
    this.listener = listener;
    return new Promise((resolve, reject) => {
      listener.once('error', reject);
      listener.listen({ host: this.options.host, port: this.options.port }, () => {
        listener.off('error', reject);
        listener.on('error', (err) => this.safeEmit('error', [err]));
        const address = this.address!;
        this.safeEmit('listening', [address]);
        resolve(address);
      });
    });
  }

  /**
   * Stop accepting connections, let running transfers finish until the deadline, then
   * end every session with 421. Resolves when every control connection has closed.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    const listener = this.listener;
    const closed = listener ? new Promise<void>((resolve) => listener.close(() => resolve())) : Promise.resolve();
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, options.timeout ?? 10_000).unref());
    await Promise.all(
      [...this.live].map(async (session) => {
        if (session.transfer) await Promise.race([session.transfer.done, deadline]);
        await session.close('Server shutting down.');
      }),
    );
    await closed;
    this.listener = undefined;
    this.safeEmit('close', []);
  }

  private admit(socket: Socket): void {
    const address = normalizeAddress(socket.remoteAddress);
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (this.live.size >= this.options.maxConnections || fromAddress >= this.options.maxConnectionsPerIp) {
      socket.on('error', () => {});
      socket.end('421 Too many connections, try again later.\r\n');
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    this.perAddress.set(address, fromAddress + 1);
    const session = new Session(this.context, socket);
    this.live.add(session);
    this.safeEmit('connect', [session]);
    session.greet(this.options.greeting);
  }

  private forget(session: Session): void {
    if (!this.live.delete(session)) return;
    const count = (this.perAddress.get(session.remoteAddress) ?? 1) - 1;
    if (count > 0) this.perAddress.set(session.remoteAddress, count);
    else this.perAddress.delete(session.remoteAddress);
    this.safeEmit('disconnect', [session]);
  }

  /** Emit without ever throwing into the caller (listeners are wrapped in {@link on}). */
  private safeEmit<K extends keyof FtpServerEvents>(event: K, args: FtpServerEvents[K] | unknown[]): void {
    (super.emit as (event: K, ...a: unknown[]) => boolean)(event, ...(args as unknown[]));
  }

  // Every listener is wrapped so that one that throws is reported as 'error' and
  // neither breaks the session that emitted nor the listeners after it.
  private readonly wrapped = new WeakMap<Function, (...args: unknown[]) => void>();
  private reportingListenerError = false;

  private wrap(fn: Function): (...args: unknown[]) => void {
    let wrapper = this.wrapped.get(fn);
    if (!wrapper) {
      wrapper = (...args: unknown[]) => {
        try {
          fn(...args);
        } catch (err) {
          if (this.reportingListenerError) return;
          this.reportingListenerError = true;
          try {
            this.safeEmit('error', [err instanceof Error ? err : new Error(String(err))]);
          } finally {
            this.reportingListenerError = false;
          }
        }
      };
      this.wrapped.set(fn, wrapper);
    }
    return wrapper;
  }

  override on<T extends keyof FtpServerEvents>(event: T, fn: (...args: FtpServerEvents[T]) => void, context?: unknown): this {
    return super.on(event, this.wrap(fn) as never, context);
  }

  override addListener<T extends keyof FtpServerEvents>(event: T, fn: (...args: FtpServerEvents[T]) => void, context?: unknown): this {
    return this.on(event, fn, context);
  }

  override once<T extends keyof FtpServerEvents>(event: T, fn: (...args: FtpServerEvents[T]) => void, context?: unknown): this {
    return super.once(event, this.wrap(fn) as never, context);
  }

  override off<T extends keyof FtpServerEvents>(event: T, fn?: (...args: FtpServerEvents[T]) => void, context?: unknown, once?: boolean): this {
    return super.off(event, (fn && (this.wrapped.get(fn) ?? fn)) as never, context, once);
  }

  override removeListener<T extends keyof FtpServerEvents>(event: T, fn?: (...args: FtpServerEvents[T]) => void, context?: unknown, once?: boolean): this {
    return this.off(event, fn, context, once);
  }
}
