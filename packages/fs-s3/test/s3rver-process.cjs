#!/usr/bin/env node
// Child process behind test/s3rver.ts: runs s3rver on a free loopback port with one
// bucket and prints `{"port":N}` once it listens. Exits when its stdin closes, so a
// crashed parent never leaves it behind.
//
// s3rver 3.7 lacks AbortMultipartUpload, ListMultipartUploads and ListParts (it answers
// MethodNotAllowed / NotImplemented). Tests must prove that an aborted upload leaves
// no open multipart upload, so this file adds these operations on top of s3rver's own
// on-disk upload records (`<bucket>/._S3rver_uploads/<uploadId>/key`, one file per
// part), answering in S3's wire format: an upload's Initiated time is the mtime of its
// `key` record, a part's LastModified the mtime of its file.
//
// It also keeps what s3rver ignores of S3's additional checksums: the
// `x-amz-checksum-sha256` of a PutObject is recorded beside the object (kept by a
// copy, dropped by an overwrite without one or a delete) and returned, with
// `x-amz-checksum-type: FULL_OBJECT`, by a HeadObject that asks with
// `x-amz-checksum-mode: ENABLED`, as S3 does. And it answers ListParts
// (GET key?uploadId=…), which s3rver lacks, from the same upload records. Everything
// else is stock s3rver.
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

/** Open uploads of a bucket, by key then id: directories that still hold their `key` record. */
async function openUploads(store, bucketName) {
  const dir = store.getResourcePath(bucketName, undefined, 'uploads');
  const ids = await fs.readdir(dir).catch(() => []);
  const uploads = [];
  for (const id of ids) {
    const record = path.join(dir, id, 'key');
    const key = await fs.readFile(record, 'utf8').catch(() => null);
    const stats = await fs.stat(record).catch(() => null);
    if (key !== null && stats) uploads.push({ id, key, dir: path.join(dir, id), initiated: stats.mtime });
  }
  return uploads.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A page of ListMultipartUploads: prefix, markers and max-uploads as S3 applies them. */
function uploadsPage(bucketName, uploads, query) {
  const prefix = typeof query.prefix === 'string' ? query.prefix : '';
  const keyMarker = typeof query['key-marker'] === 'string' ? query['key-marker'] : '';
  const idMarker = typeof query['upload-id-marker'] === 'string' ? query['upload-id-marker'] : '';
  const max = Math.min(1000, Number(query['max-uploads'] ?? 1000) || 1000);
  const after = (u) => !keyMarker || u.key > keyMarker || (u.key === keyMarker && idMarker !== '' && u.id > idMarker);
  const matching = uploads.filter((u) => u.key.startsWith(prefix) && after(u));
  const page = matching.slice(0, max);
  const last = page[page.length - 1];
  const truncated = matching.length > max;
  return (
    `<Bucket>${xmlEscape(bucketName)}</Bucket><Prefix>${xmlEscape(prefix)}</Prefix><MaxUploads>${max}</MaxUploads><IsTruncated>${truncated}</IsTruncated>` +
    (truncated ? `<NextKeyMarker>${xmlEscape(last.key)}</NextKeyMarker><NextUploadIdMarker>${last.id}</NextUploadIdMarker>` : '') +
    page
      .map((u) => `<Upload><Key>${xmlEscape(u.key)}</Key><UploadId>${xmlEscape(u.id)}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated></Upload>`)
      .join('')
  );
}

/** Where the SHA-256 checksum of an object is recorded. */
const checksumPath = (bucketName, key) =>
  path.join(directory, '.ftpkit-checksums', encodeURIComponent(bucketName), encodeURIComponent(key));

function checksumExtensions() {
  return async function checksumExtensions(ctx, next) {
    const segments = ctx.path.split('/').slice(1).map(decodeURIComponent);
    const bucketName = segments[0];
    const key = segments.slice(1).join('/');
    const plain = Object.keys(ctx.query).every((name) => name === 'x-id'); // the SDK adds x-id=PutObject
    if (!bucketName || key === '' || !plain) return next();
    const file = checksumPath(bucketName, key);
    if (ctx.method === 'HEAD') {
      await next();
      if (ctx.status !== 200 || ctx.headers['x-amz-checksum-mode'] !== 'ENABLED') return;
      const value = await fs.readFile(file, 'utf8').catch(() => null);
      if (value !== null) {
        ctx.set('x-amz-checksum-sha256', value);
        ctx.set('x-amz-checksum-type', 'FULL_OBJECT');
      }
      return;
    }
    if (ctx.method !== 'PUT' && ctx.method !== 'DELETE') return next();
    const source = ctx.headers['x-amz-copy-source'];
    const sent = ctx.headers['x-amz-checksum-sha256'];
    await next();
    if (ctx.status >= 300) return;
    if (typeof source === 'string') {
      const [srcBucket, ...srcKey] = decodeURIComponent(source.replace(/^\//, '')).split('/');
      const value = await fs.readFile(checksumPath(srcBucket, srcKey.join('/')), 'utf8').catch(() => null);
      if (value === null) return fs.rm(file, { force: true });
      await fs.mkdir(path.dirname(file), { recursive: true });
      return fs.writeFile(file, value);
    }
    if (ctx.method === 'PUT' && typeof sent === 'string') {
      await fs.mkdir(path.dirname(file), { recursive: true });
      return fs.writeFile(file, sent);
    }
    await fs.rm(file, { force: true });
  };
}

/** The parts an open upload holds so far: `<number>` files with their `<number>.md5`. */
async function uploadParts(upload) {
  const names = await fs.readdir(upload.dir);
  const parts = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const md5 = await fs.readFile(path.join(upload.dir, `${name}.md5`), 'utf8').catch(() => null);
    if (md5 === null) continue; // still being written
    const { size, mtime } = await fs.stat(path.join(upload.dir, name));
    parts.push({ number: Number(name), size, md5, mtime });
  }
  return parts.sort((a, b) => a.number - b.number);
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
        uploadsPage(bucketName, uploads, ctx.query) +
        '</ListMultipartUploadsResult>';
      return;
    }
    if (ctx.method === 'GET' && key !== '' && typeof ctx.query.uploadId === 'string') {
      const upload = (await openUploads(store, bucketName)).find((u) => u.id === ctx.query.uploadId);
      if (!upload || upload.key !== key) {
        return s3Error(ctx, 404, 'NoSuchUpload', 'The specified upload does not exist.');
      }
      const parts = await uploadParts(upload);
      ctx.type = 'application/xml';
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        `<Bucket>${xmlEscape(bucketName)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${xmlEscape(upload.id)}</UploadId>` +
        `<MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>` +
        parts
          .map(
            (p) =>
              `<Part><PartNumber>${p.number}</PartNumber><LastModified>${p.mtime.toISOString()}</LastModified>` +
              `<ETag>&quot;${p.md5}&quot;</ETag><Size>${p.size}</Size></Part>`,
          )
          .join('') +
        '</ListPartsResult>';
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
  server.middleware.unshift(multipartExtensions(server.store), checksumExtensions());
  const { port } = await server.run();
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => server.close(() => process.exit(0)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
