/**
 * ftpkit serving an S3 bucket (s3rver in the benchmark) with one user, for the S3
 * scenarios. Usage: ftpkit-s3.ts PORT ENDPOINT BUCKET USER PASSWORD MIN-MAX
 */
import { FULL_ACCESS, FtpServer } from '@ftpkit/core';
import { S3FileSystem } from '@ftpkit/fs-s3';

const [port, endpoint, bucket, user, password, range] = process.argv.slice(2) as [string, string, string, string, string, string];
const [min, max] = range.split('-').map(Number) as [number, number];

const fs = new S3FileSystem({
  bucket,
  clientConfig: { endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } },
});
const server = new FtpServer({
  host: '127.0.0.1',
  port: Number(port),
  passivePorts: { min, max },
  maxConnections: 10_000,
  maxConnectionsPerIp: 10_000,
  authenticate: ({ username, password: given }) => {
    if (username !== user || given !== password) throw new Error('bad login');
    return { fs, permissions: FULL_ACCESS };
  },
});
await server.listen();
process.once('SIGTERM', () => void server.close({ timeout: 0 }).then(() => process.exit(0)));
