/**
 * `pnpm bench`: start each server on loopback over the same directory, drive it with
 * the same load generator, print a side-by-side table and save it as JSON.
 * Flags: --quick, --only=ftpkit,vsftpd, --scenarios=RETR,idle, --duration=MS, --retr-mib,
 * --stor-mib, --repeats, --idle-sessions, --dir (or the BENCH_* environment variables).
 */
import { getpwnam } from './users.js';
import { loadConfig } from './config.js';
import { prepareFixtures } from './fixtures.js';
import { machine, saveResults, table, type Figures } from './report.js';
import { idle } from './scenarios/idle.js';
import { list, mlsd } from './scenarios/listing.js';
import { logins, smallFiles } from './scenarios/rates.js';
import { retr, stor } from './scenarios/transfer.js';
import type { Scenario } from './scenarios/types.js';
import { SERVERS } from './servers.js';

const ALL: Scenario[] = [retr, stor, smallFiles, logins, list, mlsd, idle];

const config = loadConfig();
const scenarios = config.scenarios.length ? ALL.filter((s) => config.scenarios.some((f) => s.name.toLowerCase().includes(f.toLowerCase()))) : ALL;
const wanted = config.only.length ? SERVERS.filter((s) => config.only.includes(s.name)) : SERVERS;

const skipped: Record<string, string> = {};
const servers = wanted.filter((spec) => {
  const reason = spec.unavailable();
  if (reason) {
    skipped[spec.name] = reason;
    console.log(`skipping ${spec.name}: ${reason}`);
  }
  return !reason;
});

console.log(`machine: ${JSON.stringify(machine())}`);
console.log(`preparing ${config.dir} ...`);
await prepareFixtures(config, getpwnam('ftp'));

const figures: Figures = {};
for (const [i, spec] of servers.entries()) {
  // Separate control ports and passive ranges (below the ephemeral range) per server.
  const port = 2200 + i;
  const passive = `${20000 + i * 2000}-${20000 + i * 2000 + 1999}`;
  for (const scenario of scenarios) {
    // A fresh process per scenario: no figure inherits another scenario's garbage.
    const server = await spec.start(config.dir, port, passive);
    try {
      const value = await scenario.run(server, config, spec);
      (figures[scenario.name] ??= {})[spec.name] = value;
      console.log(`${spec.name.padEnd(10)} ${scenario.name.padEnd(34)} ${value === undefined ? 'n/a' : value.toFixed(2)} ${scenario.unit}`);
    } catch (err) {
      console.log(`${spec.name.padEnd(10)} ${scenario.name.padEnd(34)} failed: ${(err as Error).message}`);
    } finally {
      await server.stop();
    }
  }
}

console.log(`\n${table(scenarios, servers.map((s) => s.name), figures)}\n`);
console.log(`saved ${saveResults(new URL('.', import.meta.url).pathname, config, servers.map((s) => s.name), figures, skipped)}`);
