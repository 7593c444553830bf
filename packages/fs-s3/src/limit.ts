import { throwIfAborted } from '@ftpkit/core';

/**
 * Run `task` over `items` with at most `concurrency` running at once. Stops starting
 * new tasks after the first failure or once `signal` fired (failing with `Aborted`),
 * waits for the running ones, then rethrows the failure.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failed = false;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        throwIfAborted(signal);
        await task(items[index] as T, index);
      } catch (err) {
        if (!failed) failure = err;
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failed) throw failure;
}
