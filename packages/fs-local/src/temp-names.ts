/**
 * Names of the hidden temporary files atomic uploads write before renaming into place.
 * They are private to the adapter: never listed, and clients cannot name them.
 */
import { randomBytes } from 'node:crypto';

const PREFIX = '.ftpkit-upload-';

/** A fresh temporary name; short, so it fits whatever the final name's length. */
export function tempName(): string {
  return `${PREFIX}${randomBytes(8).toString('hex')}.tmp`;
}

/** True for names made by {@link tempName}. */
export function isTempName(name: string): boolean {
  return name.startsWith(PREFIX);
}
