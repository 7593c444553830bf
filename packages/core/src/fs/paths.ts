/**
 * Virtual path resolution. Every path a client names is resolved here against the
 * session's working directory into an absolute, normalised virtual path that can never
 * climb above `/`. Adapters only ever see the result.
 */
import { FsError } from './errors.js';

/** Longest virtual path accepted, in characters. */
const MAX_PATH_LENGTH = 4096;

/**
 * Resolve `input` (absolute or relative to `cwd`) into a normalised virtual path.
 * `..` at the root stays at the root, as a chroot does. Backslashes are separators
 * too, so `..\..` cannot smuggle a traversal past a backend that treats them so.
 * Throws `InvalidName` for NUL, CR or LF and for over-long paths.
 */
export function resolvePath(cwd: string, input: string): string {
  if (/[\0\r\n]/.test(input)) throw new FsError('InvalidName', 'Invalid character in file name');
  if (input.length > MAX_PATH_LENGTH) throw new FsError('InvalidName', 'File name too long');
  const joined = input.startsWith('/') || input.startsWith('\\') ? input : `${cwd}/${input}`;
  const out: string[] = [];
  for (const segment of joined.split(/[/\\]+/)) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}

/** Parent directory of a normalised virtual path (`/` for `/`). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Last segment of a normalised virtual path (`/` for `/`). */
export function baseName(path: string): string {
  return path === '/' ? '/' : path.slice(path.lastIndexOf('/') + 1);
}

/** Join a normalised directory path and a child name. */
export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** Quote a path for a 257 reply (RFC 959: embedded quotes are doubled). */
export function quotePath(path: string): string {
  return `"${path.replace(/"/g, '""')}"`;
}
