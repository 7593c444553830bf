/**
 * Run the example: `pnpm --filter @ftpkit/example-embed-in-express start`
 * (HTTP_PORT=3000, FTP_PORT=2121 by default). Adds the user demo/demo.
 */
import { start } from './server.js';

const app = await start({ httpPort: Number(process.env.HTTP_PORT ?? 3000), ftpPort: Number(process.env.FTP_PORT ?? 2121) });
await app.users.add('demo', 'demo');
console.log(`HTTP on http://127.0.0.1:${app.httpPort}, FTP on ftp://127.0.0.1:${app.ftpPort} (user demo, password demo)`);
const stop = () => void app.close().then(() => process.exit(0));
process.once('SIGINT', stop).once('SIGTERM', stop);
