/**
 * An EventEmitter whose listeners can never hurt whoever emits: a listener that throws
 * or rejects is reported as 'error' (once, never recursively) and neither breaks the
 * emitting session nor the listeners after it; an 'error' that nobody hears is written
 * to the console once per kind instead of being lost.
 */
import { EventEmitter } from 'eventemitter3';
import { toError } from './errors.js';
import type { FtpServerEvents } from './events.js';

/** The base of `FtpServer`: its typed events, emitted safely (see the module comment). */
export class SafeEmitter extends EventEmitter<FtpServerEvents> {
  /** Emit without ever throwing into the caller (listeners are wrapped in {@link on}). */
  protected safeEmit<K extends keyof FtpServerEvents>(event: K, args: FtpServerEvents[K] | unknown[]): void {
    const heard = (super.emit as (event: K, ...a: unknown[]) => boolean)(event, ...(args as unknown[]));
    if (!heard && event === 'error') warnUnheard(args[0] as Error);
  }

  // Every listener is wrapped so that one that throws is reported as 'error' and
  // neither breaks the session that emitted nor the listeners after it.
  private readonly wrapped = new WeakMap<Function, (...args: unknown[]) => void>();
  private reportingListenerError = false;

  private wrap(fn: Function): (...args: unknown[]) => void {
    let wrapper = this.wrapped.get(fn);
    if (!wrapper) {
      const report = (err: unknown) => {
        if (this.reportingListenerError) return;
        this.reportingListenerError = true;
        try {
          this.safeEmit('error', [toError(err)]);
        } finally {
          this.reportingListenerError = false;
        }
      };
      wrapper = (...args: unknown[]) => {
        try {
          const result: unknown = fn(...args);
          // An async listener's rejection would otherwise be an unhandled rejection.
          if (result instanceof Promise) result.catch(report);
        } catch (err) {
          report(err);
        }
      };
      this.wrapped.set(fn, wrapper);
    }
    return wrapper;
  }

  /** Listen to `event`; a listener that throws or rejects is reported as 'error', never fatal. */
  override on<T extends keyof FtpServerEvents>(event: T, fn: (...args: FtpServerEvents[T]) => void, context?: unknown): this {
    return super.on(event, this.wrap(fn) as never, context);
  }

  /** Listen to `event`; a listener that throws or rejects is reported as 'error', never fatal. */
  override addListener<T extends keyof FtpServerEvents>(event: T, fn: (...args: FtpServerEvents[T]) => void, context?: unknown): this {
    return this.on(event, fn, context);
  }

  /** Listen once to `event`; a listener that throws or rejects is reported as 'error', never fatal. */
  override once<T extends keyof FtpServerEvents>(event: T, fn: (...args: FtpServerEvents[T]) => void, context?: unknown): this {
    return super.once(event, this.wrap(fn) as never, context);
  }

  /** Remove a listener added with `on`, `addListener` or `once`. */
  override off<T extends keyof FtpServerEvents>(event: T, fn?: (...args: FtpServerEvents[T]) => void, context?: unknown, once?: boolean): this {
    return super.off(event, (fn && (this.wrapped.get(fn) ?? fn)) as never, context, once);
  }

  /** Remove a listener added with `on`, `addListener` or `once`. */
  override removeListener<T extends keyof FtpServerEvents>(event: T, fn?: (...args: FtpServerEvents[T]) => void, context?: unknown, once?: boolean): this {
    return this.off(event, fn, context, once);
  }
}

/** Kinds of unheard errors already written to the console (process-wide, bounded). */
const warnedKinds = new Set<string>();

/**
 * An 'error' nobody listens for (no listener, no logger) is written to the console once
 * per kind (name and code), so that a fault is never silent and a repeated one never
 * floods the output.
 */
function warnUnheard(err: Error): void {
  const kind = `${err.name}:${(err as NodeJS.ErrnoException).code ?? ''}`;
  if (warnedKinds.has(kind) || warnedKinds.size >= 100) return;
  warnedKinds.add(kind);
  console.warn(`ftpkit: ${err.stack ?? err.message}\n(further ${err.name} errors are not shown: listen for 'error' or pass a logger)`);
}
