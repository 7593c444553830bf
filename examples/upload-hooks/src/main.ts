/** Run the example: `pnpm --filter @ftpkit/example-upload-hooks start` (PORT=2121 by default). */
import { start } from './server.js';

const { server, port } = await start({
  port: Number(process.env.PORT ?? 2121),
  onProcessed: ({ username, path, bytes, sha256 }) => console.log(`${username} uploaded ${path} (${bytes} bytes, sha256 ${sha256})`),
});
console.log(`upload-hooks example listening on ftp://127.0.0.1:${port} (user upload, password upload)`);
const stop = () => void server.close().then(() => process.exit(0));
process.once('SIGINT', stop).once('SIGTERM', stop);
