/**
 * `pnpm bench`: start each server on loopback over the same directory, drive it with
 * the same load generator, print a side-by-side table and save it as JSON.
 * Flags: --quick, --only=ftpkit,vsftpd, --scenarios=RETR,idle, --duration=MS, --retr-mib,
 * --stor-mib, --rounds, --idle-sessions, --dir (or the BENCH_* environment variables).
 */
import { loadConfig } from './config.js';
import { prepareFixtures } from './fixtures.js';
import { machine, saveResults, table, type Figures, type Samples } from './report.js';
import { idle } from './scenarios/idle.js';
import { list, mlsd } from './scenarios/listing.js';
import { logins, smallFiles } from './scenarios/rates.js';
import { retr, stor } from './scenarios/transfer.js';
import type { Scenario } from './scenarios/types.js';
import { SERVERS, type ServerSpec } from './servers.js';
import { getpwnam } from './users.js';

const ALL: Scenario[] = [retr, stor, smallFiles, logins, list, mlsd, idle];

const config = loadConfig();
const scenarios = config.scenarios.length
  ? ALL.filter((s) => config.scenarios.some((f) => s.name.toLowerCase().includes(f.toLowerCase())))
  : ALL;
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

/** One measurement on a fresh server process, so no figure inherits another's garbage. */
async function measure(spec: ServerSpec, index: number, scenario: Scenario): Promise<number | undefined> {
  // Separate control ports and passive ranges (below the ephemeral range) per server.
  const port = 2200 + index;
  const passive = `${20000 + index * 2000}-${20000 + index * 2000 + 1999}`;
  const server = await spec.start(config.dir, port, passive);
  try {
    return await scenario.run(server, config, spec);
  } finally {
    await server.stop();
  }
}

const samples: Samples = {};
const figures: Figures = {};
for (const scenario of scenarios) {
  // Rounds interleave the servers, so a burst of load elsewhere hits them all alike.
  for (let round = 0; round < config.rounds; round++) {
    for (const [index, spec] of servers.entries()) {
      let value: number | undefined;
      try {
        value = await measure(spec, index, scenario);
      } catch (err) {
        console.log(`${spec.name.padEnd(10)} ${scenario.name.padEnd(32)} failed: ${(err as Error).message}`);
        continue;
      }
      ((samples[scenario.name] ??= {})[spec.name] ??= []).push(value ?? null);
      const row = (figures[scenario.name] ??= {});
      const best = row[spec.name];
      if (value !== undefined && (best === undefined || (scenario.higherIsBetter ? value > best : value < best))) {
        row[spec.name] = value;
      }
      console.log(`${spec.name.padEnd(10)} ${scenario.name.padEnd(32)} ${value === undefined ? 'n/a' : value.toFixed(2)} ${scenario.unit}`);
    }
  }
}

const names = servers.map((s) => s.name);
console.log(`\n${table(scenarios, names, figures)}\n`);
console.log(`saved ${saveResults(new URL('.', import.meta.url).pathname, config, names, figures, samples, skipped)}`);
