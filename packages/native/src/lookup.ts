/**
 * Path lookups the kernel confines to a directory: openat2(2) with RESOLVE_BENEATH and
 * RESOLVE_NO_MAGICLINKS (src/lookup.c; Linux 5.6 and later).
 */
import { lookupBinding } from './load.js';

/** Whether {@link openBeneath} and {@link openBeneathFile} are available: the addon is loaded, on Linux with openat2. */
export function canOpenBeneath(): boolean {
  return lookupBinding() !== undefined;
}

/**
 * An O_PATH descriptor (close-on-exec) of `path`, relative to the directory `dirfd`, with
 * open(2) `flags` added (such as O_DIRECTORY). Throws an errno error: `EXDEV` when the
 * lookup would leave the directory (`..`, an absolute path or symbolic link, a link
 * pointing out), `ELOOP` for a /proc magic link, `ENOSYS` on kernels without openat2,
 * and the usual `ENOENT`, `ENOTDIR`, `EACCES`.
 */
export function openBeneath(dirfd: number, path: string, flags = 0): number {
  const binding = lookupBinding();
  if (!binding) throw Object.assign(new Error('ENOSYS: openBeneath needs @ftpkit/native on Linux'), { code: 'ENOSYS' });
  return binding.openBeneath(dirfd, path, flags);
}

/**
 * {@link openBeneath}, but the descriptor is opened with exactly `flags` (close-on-exec
 * added), not O_PATH: `O_RDONLY | O_NONBLOCK` opens a file to read at once, and does not
 * wait on a FIFO. Opening is not free of effects everywhere (a device, a FIFO's writer):
 * the caller checks what it opened with fstat(2).
 */
export function openBeneathFile(dirfd: number, path: string, flags: number): number {
  const binding = lookupBinding();
  if (!binding) throw Object.assign(new Error('ENOSYS: openBeneathFile needs @ftpkit/native on Linux'), { code: 'ENOSYS' });
  return binding.openBeneathFile(dirfd, path, flags);
}
