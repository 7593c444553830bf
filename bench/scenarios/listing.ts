/** Directory listings: LIST and MLSD of a 10,000-entry directory, time to the final reply. */
import { LIST_DIR } from '../fixtures.js';
import { drain, FtpControl, type Target } from '../ftp-client.js';
import type { Scenario } from './types.js';

/** Listings per measurement; the fastest counts (the first one warms the caches). */
const RUNS = 3;

/** Milliseconds of one listing, or undefined when the server does not know the verb. */
async function listOnce(control: FtpControl, target: Target, verb: string): Promise<number | undefined> {
  const data = await control.passive(target.host);
  const started = performance.now();
  const bytes = drain(data).catch(() => 0);
  control.send(`${verb} ${LIST_DIR}`);
  const opened = await control.next();
  if (opened.code >= 500) {
    data.destroy();
    return undefined;
  }
  if (opened.code !== 150 && opened.code !== 125) throw new Error(`${verb} refused: ${opened.text}`);
  await Promise.all([bytes, control.expect(226)]);
  return performance.now() - started;
}

function listing(verb: 'LIST' | 'MLSD'): Scenario {
  return {
    name: `${verb} of ${'10,000'} entries`,
    unit: 'ms',
    higherIsBetter: false,
    // Server CPU per listing (the login before them included).
    operations: () => RUNS,
    operationUnit: 'listing',
    async warmUp(server) {
      const control = await FtpControl.login(server.target);
      try {
        await listOnce(control, server.target, verb);
      } finally {
        await control.quit();
      }
    },
    async run(server) {
      const control = await FtpControl.login(server.target);
      try {
        const times: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const ms = await listOnce(control, server.target, verb);
          if (ms === undefined) return undefined;
          times.push(ms);
        }
        return Math.min(...times);
      } finally {
        await control.quit();
      }
    },
  };
}

export const list = listing('LIST');
export const mlsd = listing('MLSD');
