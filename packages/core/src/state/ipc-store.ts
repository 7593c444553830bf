/**
 * The state store of node:cluster workers without a shared store of their own: the
 * primary keeps one in-process store and every worker reaches it over the cluster's
 * IPC channel, so quotas, bans and caps hold across the workers as in one process.
 */
import type { StateStore } from './store.js';

type Method = Exclude<keyof StateStore, 'close'>;

const METHODS: ReadonlySet<string> = new Set<Method>([
  'increment', 'get', 'set', 'delete', 'values', 'acquire', 'renew', 'release', 'count', 'reserve', 'settle', 'usage', 'take',
]);

/** A call from a worker. */
export interface Request {
  ftpkit: 'state';
  id: number;
  method: Method;
  args: unknown[];
}

interface Response {
  ftpkit: 'state-reply';
  id: number;
  result?: unknown;
  error?: string;
}

/** The channel a worker talks over (its `process`), replaceable in tests. */
export interface IpcChannel {
  send?(message: unknown): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** A worker's store: every call is a request to the primary (see {@link serveStateStore}). */
export class IpcStateStore implements StateStore {
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
  private nextId = 0;
  private readonly onMessage = (message: unknown) => this.answer(message as Response);

  /**
   * @param channel the worker's `process` (default)
   * @param timeout milliseconds to wait for the primary before a call fails
   */
  constructor(
    private readonly channel: IpcChannel = process,
    private readonly timeout = 5000,
  ) {
    channel.on('message', this.onMessage);
  }

  increment = this.method('increment');
  get = this.method('get');
  set = this.method('set');
  delete = this.method('delete');
  values = this.method('values');
  acquire = this.method('acquire');
  renew = this.method('renew');
  release = this.method('release');
  count = this.method('count');
  reserve = this.method('reserve');
  settle = this.method('settle');
  usage = this.method('usage');
  take = this.method('take');

  async close(): Promise<void> {
    this.channel.off('message', this.onMessage);
    for (const call of this.pending.values()) {
      clearTimeout(call.timer);
      call.reject(new Error('state store closed'));
    }
    this.pending.clear();
  }

  private method<M extends Method>(method: M): StateStore[M] {
    return ((...args: unknown[]) => this.call(method, args)) as StateStore[M];
  }

  private call(method: Method, args: unknown[]): Promise<unknown> {
    if (!this.channel.send) return Promise.reject(new Error('no IPC channel to the cluster primary'));
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`cluster primary did not answer ${method} within ${this.timeout} ms`));
      }, this.timeout);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      this.channel.send!({ ftpkit: 'state', id, method, args } satisfies Request);
    });
  }

  private answer(message: Response): void {
    if (message?.ftpkit !== 'state-reply') return;
    const call = this.pending.get(message.id);
    if (!call) return;
    this.pending.delete(message.id);
    clearTimeout(call.timer);
    if (message.error !== undefined) call.reject(new Error(message.error));
    else call.resolve(message.result ?? undefined);
  }
}

/** The primary's end of a worker's channel: a cluster `Worker` (or a forked `ChildProcess`). */
export interface IpcPeer {
  send(message: unknown): unknown;
  on(event: 'message', listener: (message: Request) => void): unknown;
}

/** In the primary: answer `worker`'s state requests from `store`. */
export function serveStateStore(worker: IpcPeer, store: StateStore): void {
  worker.on('message', (message: Request) => {
    if (message?.ftpkit !== 'state' || !METHODS.has(message.method) || !Array.isArray(message.args)) return;
    // IPC is JSON: an omitted argument arrives as null.
    const args = message.args.map((arg) => (arg === null ? undefined : arg));
    const reply = (response: Omit<Response, 'ftpkit' | 'id'>) => {
      try {
        worker.send({ ftpkit: 'state-reply', id: message.id, ...response } satisfies Response);
      } catch {
        // the worker is gone; its leases expire
      }
    };
    (store[message.method] as (...a: unknown[]) => Promise<unknown>)(...args).then(
      (result) => reply({ result }),
      (err: unknown) => reply({ error: err instanceof Error ? err.message : String(err) }),
    );
  });
}
