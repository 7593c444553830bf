/**
 * Run the bridge: `S3_BUCKET=my-bucket pnpm --filter @ftpkit/example-s3-bridge start`.
 * Environment: S3_BUCKET (required), S3_ENDPOINT and S3_FORCE_PATH_STYLE=1 for
 * S3-compatible stores, AWS_REGION and the usual AWS credential variables or profile,
 * S3_BRIDGE_USERS=name:password,… (default alice/alice-secret, bob/bob-secret),
 * HOST and PORT (127.0.0.1:2121).
 */
import { DEMO_USERS, parseUsers, start, userPrefix } from './server.js';

const env = process.env;
try {
  if (!env.S3_BUCKET) throw new Error('set S3_BUCKET to the bucket to serve');
  const users = env.S3_BRIDGE_USERS ? parseUsers(env.S3_BRIDGE_USERS) : DEMO_USERS;
  const bridge = await start({
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 2121),
    bucket: env.S3_BUCKET,
    users,
    clientConfig: {
      region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
      ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
      forcePathStyle: env.S3_FORCE_PATH_STYLE === '1' || env.S3_FORCE_PATH_STYLE === 'true',
    },
  });
  console.log(`s3-bridge listening on ftp://${env.HOST ?? '127.0.0.1'}:${bridge.port}`);
  for (const name of users.keys()) console.log(`  ${name} → s3://${env.S3_BUCKET}/${userPrefix(name)}/`);
  const stop = () => void bridge.close().then(() => process.exit(0));
  process.once('SIGINT', stop).once('SIGTERM', stop);
} catch (err) {
  console.error(`s3-bridge: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
