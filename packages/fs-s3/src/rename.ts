/**
 * Directory rename: S3 has no directories, so every object under the old prefix is
 * copied to the new one (bounded concurrency, bounded count) and then deleted.
 */
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { FsError, throwIfAborted } from '@ftpkit/core';
import { copyObject, type CopyContext } from './copy.js';
import { s3, toFsError } from './errors.js';
import { forEachLimited } from './limit.js';
import { listKeys } from './listing.js';

/** DeleteObjects accepts at most this many keys per request. */
const DELETE_BATCH = 1000;

export interface RenameContext extends CopyContext {
  pageSize: number;
  /** Most objects one rename may copy. */
  maxObjects: number;
}

/**
 * Delete `keys`, up to 1000 per request; fails on the first key S3 could not delete.
 * Not cancelled by `ctx.signal`: deleting is a rename's commit or its rollback.
 */
export async function deleteKeys(ctx: CopyContext, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += DELETE_BATCH) {
    const batch = keys.slice(i, i + DELETE_BATCH);
    const out = await s3(
      ctx.client.send(
        new DeleteObjectsCommand({
          Bucket: ctx.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      ),
    );
    const failed = out.Errors?.[0];
    if (failed) throw toFsError({ name: failed.Code, message: failed.Message });
  }
}

/**
 * Move every object under `fromPrefix` to `toPrefix` (both ending in `/`; `toPrefix`
 * holds nothing yet). `ctx.signal` stops it between copies: the copies made are removed
 * and the source is left whole. Once every copy is made the source is deleted whatever
 * the signal, so the tree is never left split between the two prefixes.
 */
export async function renamePrefix(ctx: RenameContext, fromPrefix: string, toPrefix: string): Promise<void> {
  const objects = await listKeys(ctx, fromPrefix, ctx.maxObjects + 1);
  if (objects.length > ctx.maxObjects) {
    throw new FsError(
      'Unsupported',
      `Cannot rename a directory holding more than ${ctx.maxObjects} objects on this storage`,
    );
  }
  // Every copy started, finished or not: a cancelled request may still have completed.
  const started: string[] = [];
  try {
    await forEachLimited(
      objects,
      ctx.concurrency,
      async ({ key, size }) => {
        const to = toPrefix + key.slice(fromPrefix.length);
        started.push(to);
        await copyObject(ctx, key, to, size);
      },
      ctx.signal,
    );
    throwIfAborted(ctx.signal);
  } catch (err) {
    // Leave the source as the one complete copy.
    await deleteKeys(ctx, started).catch(() => undefined);
    throw err;
  }
  await deleteKeys(
    ctx,
    objects.map((o) => o.key),
  );
}
