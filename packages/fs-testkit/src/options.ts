import type { FileSystem } from '@ftpkit/core';

/** What one test gets: a file system whose root is empty, and how to dispose of it. */
export interface FileSystemFixture {
  fs: FileSystem;
  /** Called after the test (after `fs.close()`), e.g. to delete a temp directory or prefix. */
  cleanup?: () => Promise<void>;
}

/** Creates a fresh, empty file system for each test. */
export type FileSystemFactory = () => Promise<FileSystemFixture>;

/** What a backend declares it cannot do; everything else is tested strictly. */
export interface TestFileSystemOptions {
  /**
   * Uploads are atomic: until `'finish'` the target path shows its previous state, and a
   * write stream destroyed before `'finish'` leaves the previous file (or its absence)
   * intact with no stray entries. Backends that write in place set `false`; then the
   * suite only checks that a destroyed upload closes cleanly. Default `true`.
   */
  atomicOverwrite?: boolean;
  /**
   * What `setTimes` reaches: `'all'` — files and directories, and `list` shows the times
   * set; `'files'` — files only (directories throw `Unsupported`), and only `stat` shows
   * them (S3: listings come without metadata). Default `'all'`.
   */
  setTimesScope?: 'all' | 'files';
  /** Entries created for the large-directory listing test; `0` skips it. Default 10,000. */
  largeDirCount?: number;
  /** Per-test timeout in milliseconds (raise it for network backends). Default 30,000. */
  timeout?: number;
}

/** Options with defaults applied. */
export type ResolvedOptions = Required<TestFileSystemOptions>;

export function resolveOptions(options: TestFileSystemOptions = {}): ResolvedOptions {
  return {
    atomicOverwrite: options.atomicOverwrite ?? true,
    largeDirCount: options.largeDirCount ?? 10_000,
    setTimesScope: options.setTimesScope ?? 'all',
    timeout: options.timeout ?? 30_000,
  };
}
