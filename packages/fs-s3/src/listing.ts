/**
 * Directory listings and key enumeration over ListObjectsV2, one page at a time, so
 * callers can act on the first entries before later pages are fetched.
 */
import { ListObjectsV2Command, type S3Client, type _Object } from '@aws-sdk/client-s3';
import type { FileStat } from '@ftpkit/core';
import { s3 } from './errors.js';

/** Mode bits shown for objects and for directories (S3 has no permissions of its own). */
export const FILE_MODE = 0o644;
export const DIR_MODE = 0o755;
/** Directories known only as common prefixes have no time; show the epoch. */
const NO_TIME = new Date(0);

export interface ListContext {
  client: S3Client;
  bucket: string;
  pageSize: number;
  signal?: AbortSignal;
}

/** One ListObjectsV2 page under `prefix`. */
interface Page {
  objects: _Object[];
  prefixes: string[];
}

/** Pages of keys under `prefix`, grouped by `/` when `delimited`. */
async function* pages(ctx: ListContext, prefix: string, delimited: boolean): AsyncGenerator<Page> {
  let token: string | undefined;
  do {
    const out = await s3(
      ctx.client.send(
        new ListObjectsV2Command({
          Bucket: ctx.bucket,
          Prefix: prefix,
          Delimiter: delimited ? '/' : undefined,
          MaxKeys: ctx.pageSize,
          ContinuationToken: token,
        }),
        { abortSignal: ctx.signal },
      ),
    );
    yield {
      objects: out.Contents ?? [],
      prefixes: (out.CommonPrefixes ?? []).flatMap((p) => (p.Prefix ? [p.Prefix] : [])),
    };
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
}

/** A file entry for an object listed or probed. */
export function fileStat(name: string, size: number | undefined, mtime: Date | undefined): FileStat {
  return { name, type: 'file', size: size ?? 0, mtime: mtime ?? NO_TIME, mode: FILE_MODE };
}

/** A directory entry; `mtime` is its marker's time when it has one. */
export function dirStat(name: string, mtime?: Date): FileStat {
  return { name, type: 'directory', size: 0, mtime: mtime ?? NO_TIME, mode: DIR_MODE };
}

/**
 * Entries directly under the directory whose key prefix is `prefix`, in name order
 * within each page. `onFound` is called once something shows the directory exists
 * (its marker or any entry), so the caller can tell an empty directory from none.
 */
export async function* listEntries(
  ctx: ListContext,
  prefix: string,
  onFound: () => void,
): AsyncGenerator<FileStat> {
  for await (const page of pages(ctx, prefix, true)) {
    const entries: FileStat[] = [];
    for (const dir of page.prefixes) {
      const name = dir.slice(prefix.length, -1);
      if (name !== '') entries.push(dirStat(name));
    }
    for (const obj of page.objects) {
      if (obj.Key === prefix) {
        onFound(); // the directory's own marker is not an entry
        continue;
      }
      const name = obj.Key?.slice(prefix.length) ?? '';
      if (name !== '') entries.push(fileStat(name, obj.Size, obj.LastModified));
    }
    if (entries.length > 0) onFound();
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    yield* entries;
  }
}

/** A key and its object's size. */
export interface KeyInfo {
  key: string;
  size: number;
}

/** Every key under `prefix` (recursively), stopping early after `limit` keys. */
export async function listKeys(ctx: ListContext, prefix: string, limit: number): Promise<KeyInfo[]> {
  const keys: KeyInfo[] = [];
  for await (const page of pages(ctx, prefix, false)) {
    for (const obj of page.objects) if (obj.Key) keys.push({ key: obj.Key, size: obj.Size ?? 0 });
    if (keys.length >= limit) return keys.slice(0, limit);
  }
  return keys;
}

/** The first one or two keys under `prefix`: enough to see whether it holds anything. */
export async function probe(ctx: Omit<ListContext, 'pageSize'>, prefix: string, count: 1 | 2): Promise<_Object[]> {
  const out = await s3(
    ctx.client.send(new ListObjectsV2Command({ Bucket: ctx.bucket, Prefix: prefix, MaxKeys: count }), {
      abortSignal: ctx.signal,
    }),
  );
  return out.Contents ?? [];
}
