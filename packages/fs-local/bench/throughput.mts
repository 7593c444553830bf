// Throughput of LocalFileSystem: one large upload and download, and many small uploads.
// Run from the repository root:
//   node --conditions=@ftpkit/source --import tsx packages/fs-local/bench/throughput.mts [MiB]
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LocalFileSystem } from '../src/index.js';

const MiB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 512);
const root = await mkdtemp(join(tmpdir(), 'fs-local-bench-'));

const chunk = randomBytes(64 * 1024);

/** `total` bytes in 64 KiB chunks, as a socket would deliver them. */
function source(total: number): Readable {
  let left = total;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

function rate(bytes: number, ms: number): string {
  return `${((bytes / MiB) / (ms / 1000)).toFixed(0)} MiB/s`;
}

try {
  // Each policy twice: the first large write of a process is often slower (writeback).
  for (const uploadPolicy of ['atomic', 'in-place', 'atomic', 'in-place'] as const) {
    const fs = new LocalFileSystem({ root, uploadPolicy });
    const bytes = sizeMiB * MiB;
    let t = performance.now();
    await pipeline(source(bytes), await fs.write('/big.bin'));
    const writeMs = performance.now() - t;

    t = performance.now();
    let seen = 0;
    await pipeline(
      await fs.read('/big.bin'),
      new Writable({ write: (c: Buffer, _e, cb) => ((seen += c.length), cb()) }),
    );
    const readMs = performance.now() - t;
    if (seen !== bytes) throw new Error(`read ${seen} of ${bytes} bytes`);
    console.log(`${uploadPolicy}: write ${sizeMiB} MiB ${rate(bytes, writeMs)} (incl. fsync), read ${rate(bytes, readMs)}`);
    await fs.remove('/big.bin');
  }

  for (const fsync of [true, false]) {
    const fs = new LocalFileSystem({ root, fsync });
    await fs.mkdir(`/small-${fsync}`);
    const count = 2000;
    const t = performance.now();
    for (let i = 0; i < count; i++) {
      await pipeline(source(4096), await fs.write(`/small-${fsync}/f${i}`));
    }
    const ms = performance.now() - t;
    console.log(`small 4 KiB uploads, fsync ${fsync}: ${((count / ms) * 1000).toFixed(0)} files/s`);
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
