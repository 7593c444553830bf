// The shared FileSystem contract, each test on a fresh temporary root with the default
// (atomic, fsync'd) configuration.
import { testFileSystem } from '@ftpkit/fs-testkit';
import { LocalFileSystem } from '../src/index.js';
import { makeTempDir, removeDir } from './helpers.js';

testFileSystem(
  'fs-local',
  async () => {
    const root = await makeTempDir('fs-local-contract-');
    return { fs: new LocalFileSystem({ root }), cleanup: () => removeDir(root) };
  },
  // Every upload fsyncs file and directory; 3,000 entries keep this file to seconds
  // while still spanning many listing batches.
  { largeDirCount: 3000 },
);
