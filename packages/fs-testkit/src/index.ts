/**
 * @ftpkit/fs-testkit: the contract suites every ftpkit FileSystem adapter and StateStore
 * runs, and the stream helpers its tests (and other packages' tests) use.
 */
export { testFileSystem } from './test-file-system.js';
export { faultyFileSystem, type Fault, type FaultKey, type FaultOperation, type Faults, type FaultyFileSystem } from './faulty.js';
export { testStateStore, type StateStoreFixture } from './test-state-store.js';
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
