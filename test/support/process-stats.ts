/** Process figures for leak checks: open file descriptors and memory after a full GC. */
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Open file descriptors of this process (Linux: /proc/self/fd). */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

let gc: (() => void) | undefined;

/** Run a full garbage collection, enabling it on first use (tests run without --expose-gc). */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** Heap in use and resident set, in MiB, after a full GC. */
export function memoryAfterGc(): { heapMiB: number; rssMiB: number } {
  collectGarbage();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapMiB: heapUsed / 2 ** 20, rssMiB: rss / 2 ** 20 };
}

/** Poll until `check` holds (or throw after `timeoutMs`). */
export async function waitUntil(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
