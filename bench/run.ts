/**
 * `pnpm bench`: start each server on loopback over the same directory, drive it with
 * the same load generator, print a side-by-side table and save it as JSON.
 * Flags: --quick, --only=ftpkit,vsftpd, --scenarios=RETR,idle, --duration=MS, --retr-mib,
 * --stor-mib, --secure-mib, --tree-files, --rounds, --idle-sessions, --dir, --port-base (or the BENCH_*
 * environment variables). The table shows each figure's median over the rounds; the JSON
 * keeps every sample, the medians, the best figures and why a measurement failed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from './config.js';
import { prepareFixtures } from './fixtures.js';
import { machine, medians, saveResults, table, type Figures, type Samples } from './report.js';
import { idle } from './scenarios/idle.js';
import { list, mlsd } from './scenarios/listing.js';
import { logins, smallFiles } from './scenarios/rates.js';
import { ftpsLogins, ftpsRetr, ftpsStor } from './scenarios/ftps.js';
import { s3Retr, s3SdkDownload, s3SdkUpload, s3SmallUploads, s3Stor } from './scenarios/s3.js';
import { curlMany, mirrorDown, mirrorUp } from './scenarios/sessions.js';
import { retr, stor } from './scenarios/transfer.js';
import { benchCerts } from './certs.js';
import type { Scenario } from './scenarios/types.js';
import { reapedChildrenCpuSeconds, treeCpuSeconds } from './proc.js';
import { BUILT_IN_SERVERS, type ServerSpec } from './servers.js';
import { pureFtpd } from './servers/pure-ftpd.js';
import { getpwnam } from './users.js';

const ALL: Scenario[] = [
  retr, stor, smallFiles, logins, list, mlsd,
  mirrorDown, mirrorUp, curlMany,
  ftpsLogins, ftpsRetr, ftpsStor,
  s3Stor, s3SdkUpload, s3Retr, s3SdkDownload, s3SmallUploads,
  idle,
];

const config = loadConfig();
const scenarios = config.scenarios.length
  ? ALL.filter((s) => config.scenarios.some((f) => s.name.toLowerCase().includes(f.toLowerCase())))
  : ALL;
/** Column order of the table: ftpkit first, then its peers. */
const SERVERS = [...BUILT_IN_SERVERS.slice(0, -1), pureFtpd, ...BUILT_IN_SERVERS.slice(-1)];
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
async function measure(spec: ServerSpec, index: number, scenario: Scenario): Promise<Measurement> {
  // Separate control ports and passive ranges (below the ephemeral range) per server.
  const port = config.portBase + index;
  const passive = `${20000 + index * 2000}-${20000 + index * 2000 + 1999}`;
  if (spec.floorOnly && !scenario.floor) return {};
  let server;
  if (scenario.start) {
    server = await scenario.start(spec, config, port, passive);
    if (!server) return {};
  } else if (scenario.tls) {
    const tls = benchCerts(config);
    if (!tls) throw new Error('openssl is needed to make the FTPS certificate');
    server = await spec.start(config.dir, port, passive, { tls });
  } else {
    server = await spec.start(config.dir, port, passive);
  }
  try {
    if (scenario.warmUp) {
      await scenario.warmUp(server, config);
      // Forking servers: let the warm-up's session processes exit (and be reaped into
      // the parent's CPU time) before the first reading.
      await sleep(500);
    }
    const cpuBefore = treeCpuSeconds(server.pid);
    const clientBefore = reapedChildrenCpuSeconds();
    const value = await scenario.run(server, config, spec);
    const operations = value === undefined ? undefined : scenario.operations?.(value, config);
    const perOperation = (seconds: number) => (operations ? (seconds * 1e6) / operations : undefined);
    const cpuMicros = perOperation(treeCpuSeconds(server.pid) - cpuBefore);
    const clientMicros = scenario.clientCpu ? perOperation(reapedChildrenCpuSeconds() - clientBefore) : undefined;
    return {
      ...(value !== undefined ? { value } : {}),
      ...(cpuMicros !== undefined ? { cpuMicros } : {}),
      ...(clientMicros !== undefined ? { clientMicros } : {}),
    };
  } finally {
    await server.stop();
  }
}

/** What one measurement gave: the figure, and CPU time per operation of the server and the client. */
interface Measurement {
  value?: number;
  cpuMicros?: number;
  clientMicros?: number;
}

/** A companion row of a rate scenario: CPU per operation of the server or of the client. */
function cpuRow(scenario: Scenario, whose: 'server' | 'client'): Scenario {
  return { name: `${scenario.name}: ${whose} CPU`, unit: `µs/${scenario.operationUnit ?? 'op'}`, higherIsBetter: false, run: async () => undefined };
}

function record(scenario: Scenario, server: string, value: number | undefined): void {
  ((samples[scenario.name] ??= {})[server] ??= []).push(value ?? null);
  const row = (best[scenario.name] ??= {});
  const previous = row[server];
  if (value !== undefined && (previous === undefined || (scenario.higherIsBetter ? value > previous : value < previous))) {
    row[server] = value;
  }
}

const samples: Samples = {};
const best: Figures = {};
/** Why a measurement failed: failures[scenario][server]. */
const failures: Record<string, Record<string, string>> = {};
const rows: Scenario[] = [];
for (const scenario of scenarios) {
  rows.push(scenario);
  const cpu = scenario.operations ? cpuRow(scenario, 'server') : undefined;
  if (cpu) rows.push(cpu);
  const clientCpu = scenario.operations && scenario.clientCpu ? cpuRow(scenario, 'client') : undefined;
  if (clientCpu) rows.push(clientCpu);
  // Rounds interleave the servers, so a burst of load elsewhere hits them all alike.
  for (let round = 0; round < config.rounds; round++) {
    for (const [index, spec] of servers.entries()) {
      let result: Measurement;
      try {
        result = await measure(spec, index, scenario);
      } catch (err) {
        const message = (err as Error).message.split('\n')[0]!;
        (failures[scenario.name] ??= {})[spec.name] = message;
        console.log(`${spec.name.padEnd(10)} ${scenario.name.padEnd(32)} failed: ${message}`);
        continue;
      }
      record(scenario, spec.name, result.value);
      if (cpu) record(cpu, spec.name, result.cpuMicros);
      if (clientCpu) record(clientCpu, spec.name, result.clientMicros);
      const per = `µs/${scenario.operationUnit ?? 'op'}`;
      const cpus = [
        ...(result.cpuMicros === undefined ? [] : [`server CPU ${result.cpuMicros.toFixed(0)} ${per}`]),
        ...(result.clientMicros === undefined ? [] : [`client CPU ${result.clientMicros.toFixed(0)} ${per}`]),
      ];
      const cpuText = cpus.length ? ` (${cpus.join(', ')})` : '';
      console.log(`${spec.name.padEnd(10)} ${scenario.name.padEnd(32)} ${result.value === undefined ? 'n/a' : result.value.toFixed(2)} ${scenario.unit}${cpuText}`);
    }
  }
}

const names = servers.map((s) => s.name);
const figures = medians(samples);
console.log(`\nMedians over ${config.rounds} round(s):\n${table(rows, names, figures)}\n`);
for (const [scenario, byServer] of Object.entries(failures)) {
  for (const [server, message] of Object.entries(byServer)) console.log(`failed: ${server}, ${scenario}: ${message}`);
}
console.log(`saved ${saveResults(new URL('.', import.meta.url).pathname, config, names, { figures, best, failures }, samples, skipped)}`);
