import { testFileSystem } from '@ftpkit/fs-testkit';
import { MemoryFileSystem } from '@ftpkit/fs-memory';

testFileSystem('fs-memory', async () => ({ fs: new MemoryFileSystem() }));
