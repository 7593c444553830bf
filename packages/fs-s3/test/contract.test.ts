// The shared FileSystem contract, against a real s3rver over HTTP. Each test gets its
// own key prefix in one bucket, so its root starts empty.
import { testFileSystem } from '@ftpkit/fs-testkit';
import { S3FileSystem } from '../src/index.js';
import { useS3rver } from './helpers.js';

const s3 = useS3rver();
let fixtures = 0;

testFileSystem(
  'fs-s3',
  async () => ({
    fs: new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, prefix: `contract-${++fixtures}` }),
  }),
  // On s3rver every upload's parent probe walks the whole directory on disk, so filling
  // a directory costs O(n²) there (1,000 entries: 15 s; 3,000: 72 s; 10,000: over ten
  // minutes). 500 entries still span several listing pages; a 10,000-object listing is
  // covered in directories.test.ts, with the objects created directly.
  // MFMT times live in object metadata, which ListObjectsV2 does not return; S3 keeps
  // no times for directories.
  { timeout: 120_000, largeDirCount: 500, setTimesScope: 'files' },
);
