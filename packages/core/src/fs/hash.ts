/**
 * File digests for HASH (draft-bryan-ftpext-hash-02): the algorithms offered, their
 * names as the IANA "Hash Function Textual Names" registry spells them, and a digest of
 * a byte stream computed as it is read.
 */
import { createHash, type Hash } from 'node:crypto';
import * as zlib from 'node:zlib';

/** The algorithms HASH offers, in the order FEAT lists them. SHA-256 is the default. */
export const HASH_ALGORITHMS = ['SHA-256', 'SHA-1', 'MD5', 'CRC32'] as const;
/** One of {@link HASH_ALGORITHMS}. */
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/** How the server answers HASH. */
export interface HashOptions {
  /** Answer HASH (and list it in FEAT). Default true. */
  enabled?: boolean;
  /**
   * Largest file the server reads to compute a digest; HASH of a larger one answers
   * 556. Digests an adapter already stores (S3 checksums) are not limited. Default 1 GiB.
   */
  maxSize?: number;
  /**
   * Digests computed at once across the whole server; one more answers 450 (try again
   * later). A session runs one command at a time, so it never computes two. Default 2.
   */
  maxConcurrent?: number;
}

/** {@link HashOptions} with every default filled in. */
export const HASH_DEFAULTS: Readonly<Required<HashOptions>> = Object.freeze({
  enabled: true,
  maxSize: 1024 * 1024 * 1024,
  maxConcurrent: 2,
});

/** The algorithm named `name` (case-insensitive, as the draft asks), or undefined. */
export function parseHashAlgorithm(name: string): HashAlgorithm | undefined {
  const upper = name.trim().toUpperCase();
  return HASH_ALGORITHMS.find((alg) => alg === upper);
}

/** An incremental digest: feed it bytes, then read the lowercase hex value once. */
export interface Digest {
  update(chunk: Uint8Array): void;
  hex(): string;
}

const NODE_NAMES: Record<Exclude<HashAlgorithm, 'CRC32'>, string> = { 'SHA-256': 'sha256', 'SHA-1': 'sha1', MD5: 'md5' };

/** A fresh digest of `algorithm`. */
export function createDigest(algorithm: HashAlgorithm): Digest {
  if (algorithm === 'CRC32') return crc32Digest();
  const hash: Hash = createHash(NODE_NAMES[algorithm]);
  return { update: (chunk) => hash.update(chunk), hex: () => hash.digest('hex') };
}

/** CRC-32 (IEEE, as zip and FileZilla use it), printed as 8 hex digits. */
function crc32Digest(): Digest {
  let value = 0;
  const update = typeof zlib.crc32 === 'function' ? zlib.crc32 : crc32Table;
  return {
    update: (chunk) => {
      value = update(chunk, value);
    },
    hex: () => (value >>> 0).toString(16).padStart(8, '0'),
  };
}

let table: Uint32Array | undefined;

/** zlib.crc32 arrived in Node 20.15; this is the same function for older releases. */
function crc32Table(chunk: NodeJS.ArrayBufferView | string, previous = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  let crc = ~previous >>> 0;
  for (const byte of bytes) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

/**
 * The digest of everything `source` yields, and how many bytes that was; undefined as
 * soon as more than `maxBytes` arrive (a file that grew while it was read).
 */
export async function digestStream(
  source: AsyncIterable<Uint8Array | string>,
  algorithm: HashAlgorithm,
  maxBytes = Infinity,
): Promise<{ hex: string; bytes: number } | undefined> {
  const digest = createDigest(algorithm);
  let bytes = 0;
  for await (const chunk of source) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += data.length;
    if (bytes > maxBytes) return undefined;
    digest.update(data);
  }
  return { hex: digest.hex(), bytes };
}
