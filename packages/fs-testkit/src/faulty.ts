/**
 * A FileSystem wrapper that injects failures by operation and path, to test how an
 * adapter's callers (the core, a host's hooks) answer a backend that breaks: an error
 * thrown, a listing or read that fails part-way, a call that hangs until aborted, a slow
 * call. Everything not named in the faults goes to the wrapped file system unchanged.
 */
import { Readable, Transform, type Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  FsError,
  type FileStat,
  type FileSystem,
  type OperationOptions,
  type ReadOptions,
  type WriteOptions,
} from '@ftpkit/core';

/** The FileSystem methods a fault can be attached to. */
export type FaultOperation =
  | 'stat'
  | 'list'
  | 'read'
  | 'write'
  | 'mkdir'
  | 'rmdir'
  | 'remove'
  | 'rename'
  | 'setTimes'
  | 'chmod'
  | 'hash'
  | 'availableSpace';

/**
 * Where a fault applies: `operation:/virtual/path` (for `rename`, the source path), or
 * `operation:*` for every path. An exact path wins over `*`.
 */
export type FaultKey = `${FaultOperation}:${string}`;

/**
 * What happens to a matching call:
 * - an `Error`: the call rejects with it (an `FsError` keeps its code; a plain Error is
 *   what an adapter bug or a dropped backend connection looks like);
 * - `'hang-until-aborted'`: the call settles only when its signal fires, then rejects
 *   with `Aborted` (without a signal it never settles);
 * - `{ failAfter: n }`: `list` yields `n` entries, `read` delivers `n` bytes, then the
 *   listing or stream fails with `error` (default: a plain `Error`); other operations
 *   fail at once;
 * - `{ delay: ms }`: the call waits `ms` (cut short by its signal) and then proceeds.
 */
export type Fault = Error | 'hang-until-aborted' | { failAfter: number; error?: Error } | { delay: number };

/** The faults to inject, by {@link FaultKey}. */
export type Faults = Readonly<Partial<Record<FaultKey, Fault>>>;

/** A file system with injected faults, and a record of the faults that fired. */
export interface FaultyFileSystem extends FileSystem {
  /** Keys of the faults that fired, in order (one entry per affected call). */
  readonly fired: readonly FaultKey[];
  /** Keys of `'hang-until-aborted'` calls that their signal released, in order. */
  readonly released: readonly FaultKey[];
}

const injected = (): Error => new Error('injected fault');

/**
 * Wrap `inner` so that the calls named in `faults` fail as described by {@link Fault}.
 * Optional methods and capabilities are offered only when `inner` has them.
 *
 * @example
 * const fs = faultyFileSystem(new MemoryFileSystem(), {
 *   'stat:/broken': new Error('boom'),
 *   'list:/dir': { failAfter: 2 },
 *   'stat:/slow': 'hang-until-aborted',
 * });
 */
export function faultyFileSystem(inner: FileSystem, faults: Faults): FaultyFileSystem {
  const fired: FaultKey[] = [];
  const released: FaultKey[] = [];

  /** The fault for a call, recorded as fired. */
  const faultFor = (operation: FaultOperation, path: string): [FaultKey, Fault] | undefined => {
    const exact: FaultKey = `${operation}:${path}`;
    const key = faults[exact] !== undefined ? exact : (`${operation}:*` as const);
    const fault = faults[key];
    if (fault === undefined) return undefined;
    fired.push(key);
    return [key, fault];
  };

  /** Settle a fault that ends the call before `inner` is reached; resolves to proceed. */
  const strike = async (key: FaultKey, fault: Fault, signal: AbortSignal | undefined): Promise<void> => {
    if (fault instanceof Error) throw fault;
    if (fault === 'hang-until-aborted') {
      return new Promise<never>((_resolve, reject) => {
        const release = (): void => {
          released.push(key);
          reject(new FsError('Aborted'));
        };
        if (signal?.aborted) release();
        else signal?.addEventListener('abort', release, { once: true });
      });
    }
    if ('delay' in fault) {
      await sleep(fault.delay, undefined, signal ? { signal } : {}).catch(() => {
        throw new FsError('Aborted');
      });
      return;
    }
    if ('failAfter' in fault) throw fault.error ?? injected();
  };

  /** Run `call` after the fault for `operation:path`, if any. */
  const guarded = async <T>(operation: FaultOperation, path: string, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> => {
    const hit = faultFor(operation, path);
    if (hit) await strike(hit[0], hit[1], signal);
    return call();
  };

  async function* list(path: string, options?: OperationOptions): AsyncGenerator<FileStat> {
    const hit = faultFor('list', path);
    if (hit && !(typeof hit[1] === 'object' && 'failAfter' in hit[1])) await strike(hit[0], hit[1], options?.signal);
    const limit = hit && typeof hit[1] === 'object' && 'failAfter' in hit[1] ? hit[1] : undefined;
    let count = 0;
    for await (const entry of inner.list(path, options)) {
      if (limit && count === limit.failAfter) throw limit.error ?? injected();
      count++;
      yield entry;
    }
    if (limit) throw limit.error ?? injected();
  }

  const read = async (path: string, options?: ReadOptions): Promise<Readable> => {
    const hit = faultFor('read', path);
    if (!hit || !(typeof hit[1] === 'object' && 'failAfter' in hit[1])) {
      if (hit) await strike(hit[0], hit[1], options?.signal);
      return inner.read(path, options);
    }
    const { failAfter, error } = hit[1];
    const source = await inner.read(path, options);
    let left = failAfter;
    let failing = false;
    const cut = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        if (!failing && chunk.length <= left) {
          left -= chunk.length;
          done(null, chunk);
          return;
        }
        const part = chunk.subarray(0, left);
        left = 0;
        done(null, part.length > 0 ? part : undefined);
        fail();
      },
      // A file no longer than `failAfter` still fails at its end rather than completing.
      flush: () => fail(),
    });
    /** Fail once the consumer has taken the bytes before the fault: destroying at once would drop them. */
    const fail = (): void => {
      if (failing) return;
      failing = true;
      setImmediate(() => cut.destroy(error ?? injected()));
    };
    source.on('error', (err) => cut.destroy(err));
    cut.once('close', () => source.destroy());
    return source.pipe(cut);
  };

  const optional = <K extends 'setTimes' | 'chmod' | 'hash' | 'availableSpace'>(name: K, wrapped: NonNullable<FileSystem[K]>) =>
    inner[name] ? { [name]: wrapped } : {};

  return {
    fired,
    released,
    ...(inner.capabilities ? { capabilities: inner.capabilities } : {}),
    stat: (path, options) => guarded('stat', path, options?.signal, () => inner.stat(path, options)),
    list,
    read,
    write: (path: string, options?: WriteOptions): Promise<Writable> =>
      guarded('write', path, options?.signal, () => inner.write(path, options)),
    mkdir: (path, options) => guarded('mkdir', path, options?.signal, () => inner.mkdir(path, options)),
    rmdir: (path, options) => guarded('rmdir', path, options?.signal, () => inner.rmdir(path, options)),
    remove: (path, options) => guarded('remove', path, options?.signal, () => inner.remove(path, options)),
    rename: (from, to, options) => guarded('rename', from, options?.signal, () => inner.rename(from, to, options)),
    ...optional('setTimes', (path, mtime, options) =>
      guarded('setTimes', path, options?.signal, () => inner.setTimes!(path, mtime, options))),
    ...optional('chmod', (path, mode, options) => guarded('chmod', path, options?.signal, () => inner.chmod!(path, mode, options))),
    ...optional('hash', (path, algorithm, options) =>
      guarded('hash', path, options?.signal, () => inner.hash!(path, algorithm, options))),
    ...optional('availableSpace', (path, options) =>
      guarded('availableSpace', path, options?.signal, () => inner.availableSpace!(path, options))),
    ...(inner.close ? { close: () => inner.close!() } : {}),
  };
}
