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
import { treeCpuSeconds } from './proc.js';
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

/**
 * One measurement on a fresh server process, so no figure inherits another's garbage;
 * with the server's CPU time per operation for rate scenarios.
 */
async function measure(spec: ServerSpec, index: number, scenario: Scenario): Promise<{ value?: number; cpuMicros?: number }> {
  // Separate control ports and passive ranges (below the ephemeral range) per server.
  const port = 2200 + index;
  const passive = `${20000 + index * 2000}-${20000 + index * 2000 + 1999}`;
  const server = await spec.start(config.dir, port, passive);
  try {
    await scenario.warmUp?.(server, config);
    const cpuBefore = treeCpuSeconds(server.pid);
    const value = await scenario.run(server, config, spec);
    const operations = value === undefined ? undefined : scenario.operations?.(value, config);
    const cpuMicros = operations ? ((treeCpuSeconds(server.pid) - cpuBefore) * 1e6) / operations : undefined;
    return { ...(value !== undefined ? { value } : {}), ...(cpuMicros !== undefined ? { cpuMicros } : {}) };
  } finally {
    await server.stop();
  }
}

/** The companion row of a rate scenario: server CPU per operation. */
function cpuRow(scenario: Scenario): Scenario {
  return { name: `${scenario.name}: server CPU`, unit: `µs/${scenario.operationUnit ?? 'op'}`, higherIsBetter: false, run: async () => undefined };
}

function record(scenario: Scenario, server: string, value: number | undefined): void {
  ((samples[scenario.name] ??= {})[server] ??= []).push(value ?? null);
  const row = (figures[scenario.name] ??= {});
  const best = row[server];
  if (value !== undefined && (best === undefined || (scenario.higherIsBetter ? value > best : value < best))) {
    row[server] = value;
  }
}

const samples: Samples = {};
const figures: Figures = {};
const rows: Scenario[] = [];
for (const scenario of scenarios) {
  rows.push(scenario);
  const cpu = scenario.operations ? cpuRow(scenario) : undefined;
  if (cpu) rows.push(cpu);
  // Rounds interleave the servers, so a burst of load elsewhere hits them all alike.
  for (let round = 0; round < config.rounds; round++) {
    for (const [index, spec] of servers.entries()) {
      let result: { value?: number; cpuMicros?: number };
      try {
        result = await measure(spec, index, scenario);
      } catch (err) {
        console.log(`${spec.name.padEnd(10)} ${scenario.name.padEnd(32)} failed: ${(err as Error).message}`);
        continue;
      }
      record(scenario, spec.name, result.value);
      if (cpu) record(cpu, spec.name, result.cpuMicros);
      const cpuText = result.cpuMicros === undefined ? '' : ` (server CPU ${result.cpuMicros.toFixed(0)} µs/${scenario.operationUnit ?? 'op'})`;
      console.log(`${spec.name.padEnd(10)} ${scenario.name.padEnd(32)} ${result.value === undefined ? 'n/a' : result.value.toFixed(2)} ${scenario.unit}${cpuText}`);
    }
  }
}

const names = servers.map((s) => s.name);
console.log(`\n${table(rows, names, figures)}\n`);
console.log(`saved ${saveResults(new URL('.', import.meta.url).pathname, config, names, figures, samples, skipped)}`);
