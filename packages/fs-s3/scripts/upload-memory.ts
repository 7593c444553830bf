/**
 * Streams a large upload through S3FileSystem.write() into a local s3rver and prints
 * how much this process's resident memory grew, to show uploads hold bounded memory
 * (about partSize × (queueSize + 1)) whatever the file size. Not a test: run it with
 *   pnpm --filter @ftpkit/fs-s3 memory [MiB]        (default 256)
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { S3FileSystem } from '../src/index.js';
import { startS3rver } from '../test/s3rver.js';

const MiB = 1024 * 1024;
const totalMiB = Number(process.argv[2] ?? 256);
const partSize = 8 * MiB;
const queueSize = 4;

/** `totalMiB` of varying bytes in 64 KiB chunks, hashed as they are produced. */
function source(hash: ReturnType<typeof createHash>): Readable {
  const block = Buffer.alloc(64 * 1024);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= totalMiB * MiB) return void this.push(null);
      block.writeUInt32LE(sent / block.length, 0); // every chunk differs
      hash.update(block);
      sent += block.length;
      this.push(Buffer.from(block));
    },
  });
}

const server = await startS3rver();
const fs = new S3FileSystem({ bucket: server.bucket, clientConfig: server.clientConfig, partSize, queueSize });
try {
  await fs.stat('/'); // load and warm the SDK before measuring
  globalThis.gc?.();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  let peakBuffers = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    peakBuffers = Math.max(peakBuffers, usage.arrayBuffers);
  }, 10);

  const sent = createHash('sha256');
  const started = performance.now();
  await pipeline(source(sent), await fs.write('/memory-test.bin'));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);

  const stored = createHash('sha256');
  await pipeline(await fs.read('/memory-test.bin'), stored);
  const stat = await fs.stat('/memory-test.bin');
  const intact = stat.size === totalMiB * MiB && stored.digest('hex') === sent.digest('hex');

  console.log(`uploaded ${totalMiB} MiB in ${seconds.toFixed(1)} s (${(totalMiB / seconds).toFixed(0)} MiB/s)`);
  const mib = (bytes: number): string => `${(bytes / MiB).toFixed(0)} MiB`;
  console.log(`part size ${mib(partSize)}, ${queueSize} parts in flight: bound ≈ ${mib(partSize * (queueSize + 1))}`);
  console.log(
    `RSS baseline ${mib(baseline)}, peak ${mib(peak)}, growth ${mib(peak - baseline)}` +
      ` (Buffers peak ${mib(peakBuffers)})`,
  );
  console.log(`stored object: ${stat.size} bytes, content ${intact ? 'matches' : 'DIFFERS'}`);
  if (!intact) process.exitCode = 1;
} finally {
  await fs.close();
  await server.stop();
}
