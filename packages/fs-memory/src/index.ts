/** @ftpkit/fs-memory: an in-memory FileSystem for ftpkit, built on memfs. */
export { MemoryFileSystem } from './memory-filesystem.js';
export type { InitialFiles, MemoryFileSystemOptions } from './memory-filesystem.js';
