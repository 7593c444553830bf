import { describe } from 'node:test';
import { createContext } from './context.js';
import { resolveOptions } from './options.js';
import type { FileSystemFactory, TestFileSystemOptions } from './options.js';
import { directoryTests } from './suites/directories.js';
import { faultTests } from './suites/faults.js';
import { largeDirectoryTests } from './suites/large-directory.js';
import { listTests } from './suites/list.js';
import { nameTests } from './suites/names.js';
import { optionalTests } from './suites/optional.js';
import { readTests } from './suites/read.js';
import { renameTests } from './suites/rename.js';
import { statTests } from './suites/stat.js';
import { writeTests } from './suites/write.js';

/**
 * Register the FileSystem contract suite as a `node:test` `describe` block named `name`.
 *
 * `factory` is called once per test and must return a file system whose root `/` is
 * empty (a fresh instance, temp directory or bucket prefix); its `cleanup` runs after
 * the test. Every failure the contract names is asserted to be an `FsError` with the
 * exact code. Optional operations (`setTimes`, `chmod`) and switched-off capabilities
 * (`append`, `resumeUpload`) are skipped when the adapter does not offer them.
 *
 * @example
 * testFileSystem('fs-memory', async () => ({ fs: new MemoryFileSystem() }));
 */
export function testFileSystem(
  name: string,
  factory: FileSystemFactory,
  options?: TestFileSystemOptions,
): void {
  const ctx = createContext(factory, resolveOptions(options));
  describe(name, () => {
    describe('stat', () => statTests(ctx));
    describe('list', () => listTests(ctx));
    describe('read', () => readTests(ctx));
    describe('write', () => writeTests(ctx));
    describe('mkdir, rmdir and remove', () => directoryTests(ctx));
    describe('rename', () => renameTests(ctx));
    describe('optional operations', () => optionalTests(ctx));
    describe('names', () => nameTests(ctx));
    describe('large directories', () => largeDirectoryTests(ctx));
    describe('faults and signals', () => faultTests(ctx));
  });
}
