/**
 * Names of the hidden temporary files atomic uploads write before renaming into place.
 * They are private to the adapter: never listed, and clients cannot name them.
 *
 * A name records who wrote it, so that a leftover of a crashed process can be told from
 * a live upload of another process sharing the directory (`--workers`, several servers
 * on one share): `.ftpkit-upload-<host>-<pid>-<random>.tmp`, where `<host>` is a short
 * hash of the host name, the kernel's boot id and the pid namespace, i.e. of the scope
 * in which `<pid>` names one process. Two containers with the same host name but their
 * own pid namespaces (host networking does that) therefore get different tags.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

const PREFIX = '.ftpkit-upload-';
/** Owned names; older versions wrote `.ftpkit-upload-<16 hex>.tmp`, which has no owner. */
const OWNED = /^\.ftpkit-upload-([0-9a-f]{12})-(\d{1,10})-[0-9a-f]{16}\.tmp$/;

/** Whatever identifies this machine and boot; empty where the file does not exist. */
function readOr(read: () => string): string {
  try {
    return read().trim();
  } catch {
    return '';
  }
}

/** The tag of this process's pid scope (see the file comment). */
export const HOST_TAG = createHash('sha256')
  .update(
    [
      hostname(),
      readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
      readOr(() => readlinkSync('/proc/self/ns/pid')),
    ].join('\0'),
  )
  .digest('hex')
  .slice(0, 12);

/** A fresh temporary name owned by this process; about 56 characters whatever the target's name. */
export function tempName(): string {
  return `${PREFIX}${HOST_TAG}-${process.pid}-${randomBytes(8).toString('hex')}.tmp`;
}

/** True for every temporary name, including those of older versions. */
export function isTempName(name: string): boolean {
  return name.startsWith(PREFIX);
}

/** Who wrote a temporary file, when its name says so. */
export interface TempOwner {
  /** {@link HOST_TAG} of the writer. */
  host: string;
  pid: number;
}

/** The owner recorded in a temporary name; `undefined` for names without one. */
export function ownerOf(name: string): TempOwner | undefined {
  const m = OWNED.exec(name);
  return m ? { host: m[1]!, pid: Number(m[2]) } : undefined;
}
