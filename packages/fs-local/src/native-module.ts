/**
 * The optional `@ftpkit/native` addon, loaded once per process when it is installed and
 * not disabled (`FTPKIT_NATIVE=0`): batched listings (native-listing.ts) and zero-copy
 * transfers (direct-transfer.ts) use it; without it fs-local keeps its JavaScript paths.
 */
import type * as Native from '@ftpkit/native';

/** The addon's module, as fs-local uses it. */
export type NativeModule = typeof Native;

let native: Promise<NativeModule | undefined> | undefined;

/** The addon when it is installed and loaded, else undefined. */
export function nativeModule(): Promise<NativeModule | undefined> {
  native ??= import('@ftpkit/native').then(
    (m) => (m.nativeStatus().loaded ? m : undefined),
    () => undefined,
  );
  return native;
}
