#!/usr/bin/env node
// Child process behind test/s3rver.ts: runs s3rver on a free loopback port with one
// bucket and prints `{"port":N}` once it listens. Exits when its stdin closes, so a
// crashed parent never leaves it behind.
//
// s3rver 3.7 lacks AbortMultipartUpload and ListMultipartUploads (it answers
// MethodNotAllowed / NotImplemented). Tests must prove that an aborted upload leaves
// no open multipart upload, so this file adds both operations on top of s3rver's own
// on-disk upload records (`<bucket>/._S3rver_uploads/<uploadId>/key`), answering in
// S3's wire format. Everything else is stock s3rver.
'use strict';

const fs = require('node:fs/promises');
const path = require('node:path');
const S3rver = require('s3rver');

const [directory, bucket] = process.argv.slice(2);
if (!directory || !bucket) {
  console.error('usage: s3rver-process.cjs <directory> <bucket>');
  process.exit(2);
}

const xmlEscape = (s) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);

function s3Error(ctx, status, code, message) {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`;
}

/** Open uploads of a bucket: directories that still hold their `key` record. */
async function openUploads(store, bucketName) {
  const dir = store.getResourcePath(bucketName, undefined, 'uploads');
  const ids = await fs.readdir(dir).catch(() => []);
  const uploads = [];
  for (const id of ids) {
    const key = await fs.readFile(path.join(dir, id, 'key'), 'utf8').catch(() => null);
    if (key !== null) uploads.push({ id, key, dir: path.join(dir, id) });
  }
  return uploads;
}

function multipartExtensions(store) {
  return async function multipartExtensions(ctx, next) {
    const segments = ctx.path.split('/').slice(1).map(decodeURIComponent);
    const bucketName = segments[0];
    const key = segments.slice(1).join('/');
    if (!bucketName) return next();
    if (ctx.method === 'GET' && key === '' && 'uploads' in ctx.query) {
      const uploads = await openUploads(store, bucketName);
      ctx.type = 'application/xml';
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        `<Bucket>${xmlEscape(bucketName)}</Bucket><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>` +
        uploads
          .map((u) => `<Upload><Key>${xmlEscape(u.key)}</Key><UploadId>${xmlEscape(u.id)}</UploadId></Upload>`)
          .join('') +
        '</ListMultipartUploadsResult>';
      return;
    }
    if (ctx.method === 'DELETE' && key !== '' && typeof ctx.query.uploadId === 'string') {
      const upload = (await openUploads(store, bucketName)).find((u) => u.id === ctx.query.uploadId);
      if (!upload || upload.key !== key) {
        return s3Error(ctx, 404, 'NoSuchUpload', 'The specified upload does not exist.');
      }
      await fs.rm(upload.dir, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    return next();
  };
}

async function main() {
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  // Ahead of s3rver's router, which would refuse these requests.
  server.middleware.unshift(multipartExtensions(server.store));
  const { port } = await server.run();
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => server.close(() => process.exit(0)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
