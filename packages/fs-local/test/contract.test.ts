// The shared FileSystem contract, each test on a fresh temporary root with the atomic
// upload policy. fsync is off: the contract is about behaviour, and a flush per file
// would make the 10,000-entry directory take minutes on a loaded machine. Uploads with
// fsync on, the default, run in upload.test.ts.
import { testFileSystem } from '@ftpkit/fs-testkit';
import { LocalFileSystem } from '../src/index.js';
import { makeTempDir, removeDir } from './helpers.js';

testFileSystem(
  'fs-local',
  async () => {
    const root = await makeTempDir('fs-local-contract-');
    return { fs: new LocalFileSystem({ root, fsync: false }), cleanup: () => removeDir(root) };
  },
  { largeDirCount: 10_000 },
);
