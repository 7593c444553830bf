/** The backend-parametrised end-to-end suite against fs-s3, over a real s3rver process. */
import { after, before } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import { S3FileSystem } from '@ftpkit/fs-s3';
import { startS3rver, type S3rverInstance } from '../../packages/fs-s3/test/s3rver.js';
import { testBackend } from '../backend/backend.js';

let server: S3rverInstance;
let client: S3Client;
let fixtures = 0;

before(async () => {
  server = await startS3rver();
  client = server.client();
});
after(async () => {
  client.destroy();
  await server.stop();
});

testBackend({
  name: 'fs-s3',
  // Each group gets an empty root: its own key prefix in the one bucket.
  makeFs: async () => ({ fs: new S3FileSystem({ bucket: server.bucket, client, prefix: `e2e-${++fixtures}` }) }),
});
