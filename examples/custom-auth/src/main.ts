/** Run the example: `pnpm --filter @ftpkit/example-custom-auth start` (PORT=2121 by default). */
import { start } from './server.js';

const { server, port } = await start({ port: Number(process.env.PORT ?? 2121) });
console.log(`custom-auth example listening on ftp://127.0.0.1:${port}`);
console.log('users: alice/wonderland (full access), bob/builder (read-only), eve/secret (locked)');
const stop = () => void server.close().then(() => process.exit(0));
process.once('SIGINT', stop).once('SIGTERM', stop);
