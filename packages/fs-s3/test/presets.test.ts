import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { S3FileSystem } from '../src/index.js';
import { presetClientConfig } from '../src/presets.js';
import { readFile, useS3rver, writeFile } from './helpers.js';

/** The checksum headers of every request `fs` sends from now on, by command name. */
function checksumHeaders(fs: S3FileSystem): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  fs.client.middlewareStack.add(
    (next, context) => async (args) => {
      const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
      const names = Object.keys(headers).filter((h) => h.includes('checksum'));
      seen.set(context.commandName ?? '?', [...(seen.get(context.commandName ?? '?') ?? []), ...names].sort());
      return next(args);
    },
    { step: 'finalizeRequest', name: 'ftpkitTestChecksumHeaders' },
  );
  return seen;
}

describe('S3 presets', () => {
  const s3 = useS3rver();

  test('a preset fills in what clientConfig leaves unset; unknown names are refused', () => {
    assert.deepEqual(presetClientConfig('minio', { endpoint: 'http://127.0.0.1:9000' }), {
      forcePathStyle: true,
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
    });
    assert.equal(presetClientConfig('r2', { region: 'eu', requestChecksumCalculation: undefined }).region, 'eu');
    assert.equal(presetClientConfig('r2', {}).requestChecksumCalculation, 'WHEN_REQUIRED');
    assert.deepEqual(presetClientConfig(undefined, {}), {});
    assert.throws(() => new S3FileSystem({ bucket: 'b', preset: 'gcs' as never }), /preset must be one of aws, minio, r2, b2/);
  });

  test('b2 and r2 send no checksum headers; aws sends the SHA-256 and works the same', async () => {
    for (const preset of ['b2', 'r2', 'aws'] as const) {
      const fs = new S3FileSystem({ bucket: s3.server.bucket, prefix: preset, preset, clientConfig: { ...s3.server.clientConfig, region: 'us-east-1' } });
      const seen = checksumHeaders(fs);
      await writeFile(fs, '/x.txt', `via ${preset}`);
      assert.equal((await readFile(fs, '/x.txt')).toString(), `via ${preset}`);
      const all = [...seen.values()].flat();
      if (preset === 'aws') {
        assert.deepEqual(seen.get('PutObjectCommand'), ['x-amz-checksum-sha256', 'x-amz-sdk-checksum-algorithm']);
      } else {
        assert.ok(seen.has('PutObjectCommand'));
        assert.deepEqual(all, [], `${preset}: ${all.join(',')}`);
      }
      await fs.close();
    }
  });
});
