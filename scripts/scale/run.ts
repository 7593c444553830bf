/**
 * Scale run (see scripts/scale.sh): N logged-in idle sessions held at once, spread over
 * 127.0.0.x source addresses, every one answering NOOP; memory per session from the
 * server process's own figures.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { RawClient } from '../../test/support/raw-client.js';
import type { ServerStats } from './server.js';

const SESSIONS = Number(process.argv[2] ?? 10_000);
const PER_ADDRESS = 250;
const BATCH = 200;

const server = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [], {
  execArgv: ['--conditions=@ftpkit/source', '--import', 'tsx', '--expose-gc'],
});
const ask = async <T>(message: string): Promise<T> => {
  server.send(message);
  const [reply] = (await once(server, 'message')) as [T];
  return reply;
};
const [{ port }] = (await once(server, 'message')) as [{ port: number }];
const MiB = 2 ** 20;
const before = await ask<ServerStats>('stats');

const clients: RawClient[] = [];
const started = performance.now();
for (let i = 0; i < SESSIONS; i += BATCH) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(BATCH, SESSIONS - i) }, async (_, j) => {
      const n = i + j;
      const address = `127.0.${1 + Math.floor(n / PER_ADDRESS / 250)}.${2 + (Math.floor(n / PER_ADDRESS) % 250)}`;
      const { client } = await RawClient.connect(port, '127.0.0.1', address);
      await client.login('user', 'secret');
      return client;
    }),
  );
  clients.push(...batch);
}
const loginSeconds = (performance.now() - started) / 1000;
const held = await ask<ServerStats>('stats');

// Every session answers NOOP, all at once.
const noopStarted = performance.now();
const answers = await Promise.all(clients.map((c) => c.send('NOOP').then((r) => r.code)));
const noopMs = performance.now() - noopStarted;
const ok = answers.filter((code) => code === 200).length;

const perSession = (field: keyof ServerStats) => (held[field] - before[field]) / SESSIONS / 1024;
console.log(
  JSON.stringify(
    {
      sessions: SESSIONS,
      loggedInOnServer: held.loggedIn,
      noopAnswered: ok,
      loginSeconds: +loginSeconds.toFixed(1),
      noopAllMs: Math.round(noopMs),
      serverRssMiB: { before: +(before.rss / MiB).toFixed(1), held: +(held.rss / MiB).toFixed(1) },
      serverHeapMiB: { before: +(before.heapUsed / MiB).toFixed(1), held: +(held.heapUsed / MiB).toFixed(1) },
      perSessionKiB: {
        rss: +perSession('rss').toFixed(1),
        heap: +perSession('heapUsed').toFixed(1),
        external: +perSession('external').toFixed(2),
      },
    },
    null,
    2,
  ),
);
for (const c of clients) c.close();
server.send('close');
await once(server, 'exit');
const pass = ok === SESSIONS && held.loggedIn === SESSIONS;
console.log(pass ? 'PASS' : 'FAIL');
process.exit(pass ? 0 : 1);
