/**
 * Mapping between the virtual paths the core hands us and S3 keys. A file `/a/b` is
 * the object `<prefix>a/b`; a directory `/a` is everything under `<prefix>a/`, and
 * its marker object is the zero-byte key `<prefix>a/` itself.
 */
export class KeyMap {
  /** The prefix every key starts with: `''` or `something/`. */
  readonly root: string;

  constructor(prefix = '') {
    const trimmed = prefix.split('/').filter(Boolean).join('/');
    this.root = trimmed === '' ? '' : `${trimmed}/`;
  }

  /** Object key of the file at `path` (not meaningful for `/`). */
  file(path: string): string {
    return this.root + path.slice(1);
  }

  /** Key prefix of the directory at `path`, which is also its marker's key. */
  dir(path: string): string {
    return path === '/' ? this.root : `${this.root}${path.slice(1)}/`;
  }
}
