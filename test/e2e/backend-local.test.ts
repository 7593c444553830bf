/** The backend-parametrised end-to-end suite against fs-local, in a fresh temporary root. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFileSystem } from '@ftpkit/fs-local';
import { testBackend } from '../backend/backend.js';

testBackend({
  name: 'fs-local',
  makeFs: async () => {
    const root = await mkdtemp(join(tmpdir(), 'ftpkit-e2e-local-'));
    return { fs: new LocalFileSystem({ root }), cleanup: () => rm(root, { recursive: true, force: true }) };
  },
});
