import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { FsError } from '@ftpkit/core';
import { toFsError } from '../src/errors.js';
import { S3FileSystem } from '../src/index.js';
import { listNames, useS3rver } from './helpers.js';
import { startS3rver } from './s3rver.js';

function serviceError(name: string, status: number): S3ServiceException {
  const $fault = status >= 500 ? 'server' : 'client';
  return new S3ServiceException({ name, $fault, $metadata: { httpStatusCode: status } });
}

describe('S3 error mapping', () => {
  const s3 = useS3rver();

  test('a bucket that does not exist is NotFound', async () => {
    const fs = new S3FileSystem({ bucket: 'no-such-bucket', clientConfig: s3.server.clientConfig });
    await assert.rejects(listNames(fs, '/'), { code: 'NotFound', message: 'No such bucket' });
    await assert.rejects(fs.read('/file'), { code: 'NotFound' });
    await fs.close();
  });

  test('an unknown access key is PermissionDenied', async () => {
    const fs = new S3FileSystem({
      bucket: s3.server.bucket,
      clientConfig: { ...s3.server.clientConfig, credentials: { accessKeyId: 'WRONG', secretAccessKey: 'WRONG' } },
    });
    const failure = await listNames(fs, '/').catch((err: unknown) => err);
    assert.ok(failure instanceof FsError);
    assert.equal(failure.code, 'PermissionDenied');
    assert.match(failure.message, /credentials/);
    await assert.rejects(fs.mkdir('/x'), { code: 'PermissionDenied' });
    await fs.close();
  });

  test('an unreachable endpoint is Unavailable, as an FsError', async () => {
    const dead = await startS3rver();
    const config = { ...dead.clientConfig, maxAttempts: 1 };
    await dead.stop();
    const fs = new S3FileSystem({ bucket: dead.bucket, clientConfig: config });
    const attempts = [() => fs.stat('/a'), () => listNames(fs, '/'), () => fs.read('/a'), () => fs.write('/a')];
    for (const attempt of attempts) {
      const err = await attempt().then(() => null, (e: unknown) => e);
      assert.ok(err instanceof FsError, String(err));
      assert.equal(err.code, 'Unavailable');
    }
    await fs.close();
  });

  test('an upload whose server goes away fails with an FsError', async () => {
    const doomed = await startS3rver();
    const fs = new S3FileSystem({
      bucket: doomed.bucket,
      clientConfig: { ...doomed.clientConfig, maxAttempts: 1 },
      partSize: 5 * 1024 * 1024,
    });
    const sink = await fs.write('/upload.bin');
    await doomed.stop();
    const failed = new Promise<unknown>((resolve) => sink.once('error', resolve));
    sink.end(Buffer.alloc(11 * 1024 * 1024));
    const err = await failed;
    assert.ok(err instanceof FsError, String(err));
    assert.equal(err.code, 'Unavailable');
    await fs.close();
  });

  test('service errors map by name, then by HTTP status', () => {
    const cases: Array<[string, number, string]> = [
      ['NoSuchKey', 404, 'NotFound'],
      ['NotFound', 404, 'NotFound'],
      ['AccessDenied', 403, 'PermissionDenied'],
      ['SlowDown', 503, 'Unavailable'],
      ['ThrottlingException', 400, 'Unavailable'],
      ['InternalError', 500, 'Unavailable'],
      ['InvalidRange', 416, 'InvalidArgument'],
      ['EntityTooLarge', 400, 'QuotaExceeded'],
      ['SomethingNew', 502, 'Unavailable'],
      ['SomethingNew', 429, 'Unavailable'],
      ['SomethingNew', 404, 'NotFound'],
      ['SomethingNew', 400, 'PermissionDenied'],
    ];
    for (const [name, status, code] of cases) {
      const mapped = toFsError(serviceError(name, status));
      assert.equal(mapped.code, code, `${name} ${status}`);
      assert.ok(mapped.cause instanceof S3ServiceException);
    }
    const network = toFsError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    assert.equal(network.code, 'Unavailable');
    assert.equal(toFsError(Object.assign(new Error('aborted'), { name: 'AbortError' })).code, 'Aborted');
    const passthrough = new FsError('NotEmpty');
    assert.equal(toFsError(passthrough), passthrough);
  });
});
