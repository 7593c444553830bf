/**
 * Server-side copies, used by rename and to replace an object's metadata (MFMT).
 * Objects up to 5 GiB take one CopyObject; larger ones a multipart copy
 * (UploadPartCopy), which is aborted if any part fails.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { FsError, throwIfAborted } from '@ftpkit/core';
import { s3 } from './errors.js';
import { forEachLimited } from './limit.js';
import { MAX_PART_SIZE, MAX_PARTS } from './options.js';

/** Parts of a multipart copy: large, since copying them costs no local memory. */
const COPY_PART_SIZE = 512 * 1024 * 1024;

export interface CopyContext {
  client: S3Client;
  bucket: string;
  /** Parallel UploadPartCopy requests of one large copy. */
  concurrency: number;
  /** Stops the copy: no request starts after it fired, the running ones are cancelled. */
  signal?: AbortSignal;
}

/** The `x-amz-copy-source` value: bucket and key, URL-encoded segment by segment. */
function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** New user metadata for a copy, and the source's HeadObject it replaces (the copy is of that version). */
export interface MetadataReplacement {
  head: HeadObjectCommandOutput;
  metadata: Record<string, string>;
}

/** The headers of `head` that a copy with new metadata must carry over itself. */
function carriedHeaders(head: HeadObjectCommandOutput) {
  return {
    ContentType: head.ContentType,
    ContentEncoding: head.ContentEncoding,
    ContentDisposition: head.ContentDisposition,
    ContentLanguage: head.ContentLanguage,
    CacheControl: head.CacheControl,
  };
}

/**
 * Copy `from` to `to` in the same bucket; `size` is the source's size in bytes. With
 * `replace`, the copy gets that metadata (and `from` may equal `to`).
 */
export async function copyObject(
  ctx: CopyContext,
  from: string,
  to: string,
  size: number,
  replace?: MetadataReplacement,
): Promise<void> {
  const { client, bucket, signal } = ctx;
  throwIfAborted(signal);
  if (size > MAX_PART_SIZE) return multipartCopy(ctx, from, to, size, replace);
  const command = new CopyObjectCommand({
    Bucket: bucket,
    Key: to,
    CopySource: copySource(bucket, from),
    ...(replace
      ? {
          MetadataDirective: 'REPLACE',
          Metadata: replace.metadata,
          CopySourceIfMatch: replace.head.ETag,
          ...carriedHeaders(replace.head),
        }
      : {}),
  });
  await s3(client.send(command, { abortSignal: signal }));
}

async function multipartCopy(
  ctx: CopyContext,
  from: string,
  to: string,
  size: number,
  replace: MetadataReplacement | undefined,
): Promise<void> {
  const { client, bucket, signal } = ctx;
  const abortSignal = { abortSignal: signal };
  const partSize = Math.max(COPY_PART_SIZE, Math.ceil(size / MAX_PARTS));
  // Carry the content type and user metadata over, as CopyObject does.
  const head = replace?.head ?? (await s3(client.send(new HeadObjectCommand({ Bucket: bucket, Key: from }), abortSignal)));
  const created = await s3(
    client.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: to,
        ...carriedHeaders(head),
        Metadata: replace?.metadata ?? head.Metadata,
      }),
      abortSignal,
    ),
  );
  const uploadId = created.UploadId;
  if (!uploadId) throw new FsError('Unavailable', 'S3 returned no upload id');
  const ranges = Array.from({ length: Math.ceil(size / partSize) }, (_, i) => ({
    start: i * partSize,
    end: Math.min(size, (i + 1) * partSize) - 1,
  }));
  const parts: CompletedPart[] = [];
  try {
    await forEachLimited(ranges, ctx.concurrency, async ({ start, end }, i) => {
      const out = await s3(
        client.send(
          new UploadPartCopyCommand({
            Bucket: bucket,
            Key: to,
            UploadId: uploadId,
            PartNumber: i + 1,
            CopySource: copySource(bucket, from),
            CopySourceRange: `bytes=${start}-${end}`,
            CopySourceIfMatch: head.ETag,
          }),
          abortSignal,
        ),
      );
      parts[i] = { PartNumber: i + 1, ETag: out.CopyPartResult?.ETag };
    }, signal);
    const complete = new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: to,
      UploadId: uploadId,
      MultipartUpload: { Parts: parts },
    });
    throwIfAborted(signal);
    // Completing is the commit: once started it is not cancelled half-way.
    await s3(client.send(complete));
  } catch (err) {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId: uploadId }))
      .catch(() => undefined); // the copy's own failure is the one to report
    throw err;
  }
}
