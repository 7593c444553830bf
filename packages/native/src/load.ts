/**
 * Loading the compiled addon: once per process, synchronously, never throwing. A missing
 * build, a load failure or `FTPKIT_NATIVE=0` leaves it unloaded with the reason.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The functions the compiled addon exports (see src/*.c). */
export interface Binding {
  /** Numbers per entry in a batch's `stats`. */
  readonly listFields: number;
  openDir(path: string): object;
  readBatch(reader: object, max: number): Promise<{ names: string; stats: Float64Array; done: boolean }>;
  closeDir(reader: object): void;
}

/**
 * One step's outcome: bytes moved, the socket not ready (`again`), the file or the data
 * ended (`eof`), the file's file system refused sendfile or splice (`refused`: the errno
 * name; the bytes moved are stored all the same).
 */
export interface Step {
  sent: number;
  again: boolean;
  eof: boolean;
  refused?: string;
}

/** The addon's zero-copy transfer functions (src/transfer.c, Linux only). */
export interface TransferBinding {
  dupSocket(fd: number): number;
  dupFile(fd: number): number;
  closeFd(fd: number): void;
  cancelWait(fd: number): void;
  sendChunk(socket: number, file: number, offset: number, max: number): Promise<Step>;
  receiveChunk(socket: number, file: number, offset: number, max: number): Promise<Step>;
  receiveChunkSync(socket: number, file: number, offset: number, max: number): Step;
  waitWritable(socket: number, callback: (ready: boolean) => void): void;
  waitReadable(socket: number, callback: (ready: boolean) => void): void;
}

/** The addon's confined lookup (src/lookup.c, Linux with openat2 only). */
export interface LookupBinding {
  openBeneath(dirfd: number, path: string, flags: number): number;
  openBeneathFile(dirfd: number, path: string, flags: number): number;
}

/** Whether the addon is in use in this process, and if not, why. */
export interface NativeStatus {
  readonly loaded: boolean;
  /** Why it is not loaded (disabled, not built, failed to load). */
  readonly reason?: string;
  /** The compiled file loaded (or looked for). */
  readonly file: string;
}

/** Numbers per directory entry this JavaScript expects from the addon. */
export const LIST_FIELDS = 7;

const file = fileURLToPath(new URL('../build/Release/ftpkit_native.node', import.meta.url));
let loaded: { binding?: Binding; status: NativeStatus } | undefined;

function load(): { binding?: Binding; status: NativeStatus } {
  if (process.env.FTPKIT_NATIVE === '0') return { status: { loaded: false, reason: 'disabled by FTPKIT_NATIVE=0', file } };
  if (!existsSync(file)) return { status: { loaded: false, reason: 'not built (see the install step\'s notice)', file } };
  try {
    const binding = createRequire(import.meta.url)(file) as Binding;
    if (binding.listFields !== LIST_FIELDS) {
      return { status: { loaded: false, reason: `stale build (${binding.listFields} fields per entry)`, file } };
    }
    return { binding, status: { loaded: true, file } };
  } catch (err) {
    return { status: { loaded: false, reason: `failed to load: ${(err as Error).message.split('\n')[0]}`, file } };
  }
}

/** The addon's functions, or `undefined` when it is not in use (see {@link nativeStatus}). */
export function binding(): Binding | undefined {
  loaded ??= load();
  return loaded.binding;
}

/** Whether the addon is loaded in this process, and if not, why. */
export function nativeStatus(): NativeStatus {
  loaded ??= load();
  return loaded.status;
}

/** The addon's transfer functions, when it is loaded and has them. */
export function transferBinding(): TransferBinding | undefined {
  const b = binding() as (Binding & Partial<TransferBinding>) | undefined;
  return typeof b?.receiveChunkSync === 'function' ? (b as TransferBinding) : undefined;
}

/** The addon's confined lookup, when it is loaded and has it. */
export function lookupBinding(): LookupBinding | undefined {
  const b = binding() as (Binding & Partial<LookupBinding>) | undefined;
  return typeof b?.openBeneath === 'function' && typeof b.openBeneathFile === 'function' ? (b as LookupBinding) : undefined;
}
