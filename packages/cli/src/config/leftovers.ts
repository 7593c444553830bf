/** The storage keys about crashed uploads' leftovers, from the file's seconds to the adapters' milliseconds. */
import type { LeftoverSettings } from '../args.js';
import type { LeftoverFileConfig } from './types.js';

/** `staleUploadAge` and `sweepInterval` in milliseconds; absent keys stay absent. */
export function leftoverSettings(storage: LeftoverFileConfig): LeftoverSettings {
  return {
    ...(storage.staleUploadAge !== undefined ? { staleUploadAge: storage.staleUploadAge * 1000 } : {}),
    ...(storage.sweepInterval !== undefined ? { sweepInterval: storage.sweepInterval * 1000 } : {}),
  };
}
