/**
 * Child process behind test/ftp-memory.ts: an ftpkit server on an S3FileSystem, alone
 * in its process so that its resident memory can be measured from outside. Usage:
 *   node --conditions=@ftpkit/source --import tsx ftp-server-process.ts <endpoint> <bucket>
 * Login `user`/`pass`. Prints `{"port":N}` once it listens and the SDK is warm; exits
 * when its stdin closes, so a crashed parent never leaves it behind.
 */
import { AuthError, FtpServer } from '@ftpkit/core';
import { S3FileSystem } from '../src/index.js';

const [endpoint, bucket] = process.argv.slice(2);
if (!endpoint || !bucket) {
  console.error('usage: ftp-server-process.ts <endpoint> <bucket>');
  process.exit(2);
}

const fs = new S3FileSystem({
  bucket,
  clientConfig: {
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  },
});
const server = new FtpServer({
  host: '127.0.0.1',
  port: 0,
  authenticate({ username, password }) {
    if (username !== 'user' || password !== 'pass') throw new AuthError('Login incorrect.');
    return { fs };
  },
});
await fs.stat('/'); // load the SDK and open a connection before anyone measures
const { port } = await server.listen();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close({ timeout: 1000 }).then(() => fs.close()).then(() => process.exit(0)));
