/**
 * Digests S3 already holds (HASH without reading the object). S3 keeps a checksum of
 * every object uploaded with one; fs-s3 asks for SHA-256 on single-request uploads, so
 * those carry the whole object's SHA-256. A multipart upload's SHA-256 is a checksum of
 * the parts' checksums (`…-N`, type COMPOSITE), which is not the file's digest, so such
 * objects and stores that keep no checksums are hashed by the core instead. A CRC32
 * of type FULL_OBJECT (what current SDKs send by default) answers HASH CRC32.
 */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { HashAlgorithm } from '@ftpkit/core';
import { s3 } from './errors.js';

/** The stored digest of `key` for `algorithm` as lowercase hex, or undefined. */
export async function storedDigest(
  client: S3Client,
  bucket: string,
  key: string,
  algorithm: HashAlgorithm,
  signal?: AbortSignal,
): Promise<string | undefined> {
  if (algorithm !== 'SHA-256' && algorithm !== 'CRC32') return undefined;
  const head = await s3(
    client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }), { abortSignal: signal }),
  );
  const value = algorithm === 'SHA-256' ? head.ChecksumSHA256 : head.ChecksumCRC32;
  if (!value || value.includes('-') || (head.ChecksumType && head.ChecksumType !== 'FULL_OBJECT')) return undefined;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === (algorithm === 'SHA-256' ? 32 : 4) ? bytes.toString('hex') : undefined;
}
