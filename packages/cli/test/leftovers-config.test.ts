// The storage keys staleUploadAge and sweepInterval of the config file: seconds in the
// file, the adapters' milliseconds in the resolved config, refused where they do not apply.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfigFile } from '../src/config/file.js';
import { resolveConfig } from '../src/config/resolve.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ftpkit-leftovers-config-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function resolveFile(storage: object) {
  const file = join(dir, 'ftpkit.json');
  await writeFile(file, JSON.stringify({ storage }, null, 2));
  return resolveConfig({ users: [] }, await loadConfigFile(file));
}

async function refusal(storage: object): Promise<string> {
  const err = await resolveFile(storage).then(
    () => assert.fail('expected the config to be refused'),
    (e: unknown) => e as Error,
  );
  return err.message.replace(`${join(dir, 'ftpkit.json')}:`, '');
}

describe('config: cleanup of crashed uploads', () => {
  it('local and s3 storages take seconds and hand milliseconds to the adapters', async () => {
    const local = await resolveFile({ type: 'local', root: dir, staleUploadAge: 1.5, sweepInterval: 0 });
    assert.deepEqual(local.backend, { kind: 'local', root: dir, staleUploadAge: 1500, sweepInterval: 0 });
    const s3 = await resolveFile({ type: 's3', bucket: 'b', staleUploadAge: 86400, sweepInterval: 60 });
    assert.deepEqual(s3.backend, { kind: 's3', bucket: 'b', forcePathStyle: false, staleUploadAge: 86_400_000, sweepInterval: 60_000 });
    const defaults = await resolveFile({ type: 'local', root: dir });
    assert.deepEqual(defaults.backend, { kind: 'local', root: dir });
  });

  it('refuses them for the memory storage, and negative or non-numeric values', async () => {
    assert.match(await refusal({ type: 'memory', staleUploadAge: 60 }), /storage\.staleUploadAge: not allowed for this storage type/);
    assert.match(await refusal({ type: 'local', root: dir, sweepInterval: -1 }), /storage\.sweepInterval: must be >= 0/);
    assert.match(await refusal({ type: 's3', bucket: 'b', staleUploadAge: '1h' }), /storage\.staleUploadAge: must be a number/);
  });
});
