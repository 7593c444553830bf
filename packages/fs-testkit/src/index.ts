/**
 * @ftpkit/fs-testkit: the contract suite every ftpkit FileSystem adapter runs, and the
 * stream helpers its tests (and other packages' tests) use.
 */
export { testFileSystem } from './test-file-system.js';
export { faultyFileSystem, type Fault, type FaultKey, type FaultOperation, type Faults, type FaultyFileSystem } from './faulty.js';
export type { FileSystemFactory, FileSystemFixture, TestFileSystemOptions } from './options.js';
export {
  expectFsError,
  listAll,
  listNames,
  readAll,
  readText,
  writeAll,
  writeToStream,
} from './helpers.js';
