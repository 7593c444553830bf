/**
 * Uploads a large generated file (default 1 GiB) through FTP into S3 and reports the
 * FTP server process's memory growth, the throughput and whether the stored object is
 * byte-for-byte right. Fails unless growth stays under 150 MiB. Not a CI test (about
 * 20 s against s3rver); run it with
 *   pnpm --filter @ftpkit/fs-s3 ftp-memory [MiB]
 */
import { measureFtpUpload } from '../test/ftp-memory.js';

const MiB = 1024 * 1024;
const LIMIT = 150 * MiB;
const bytes = Number(process.argv[2] ?? 1024) * MiB;

const m = await measureFtpUpload(bytes);
const mib = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;
const growth = m.peakRss - m.baselineRss;
console.log(`uploaded ${mib(m.bytes)} over FTP in ${m.seconds.toFixed(1)} s (${(m.bytes / MiB / m.seconds).toFixed(0)} MiB/s)`);
console.log(`server RSS: baseline ${mib(m.baselineRss)}, peak ${mib(m.peakRss)}, growth ${mib(growth)} (${m.samples} samples)`);
console.log(`stored object: ${m.storedSize} bytes, content ${m.intact ? 'matches' : 'DIFFERS'}`);
const ok = m.intact && m.storedSize === m.bytes && growth < LIMIT;
console.log(ok ? `OK: growth under ${mib(LIMIT)}` : 'FAILED');
if (!ok) process.exitCode = 1;
