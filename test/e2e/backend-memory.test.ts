/** The backend-parametrised end-to-end suite against fs-memory. */
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { testBackend } from '../backend/backend.js';

testBackend({ name: 'fs-memory', makeFs: async () => ({ fs: new MemoryFileSystem() }) });
