/**
 * Prometheus metrics for the program, built from the server's events with prom-client
 * and served on `/metrics` by a small HTTP listener of its own, with the `/healthz` and
 * `/readyz` probes (keep it on a private address: it needs no login).
 */
import type { FtpServer } from '@ftpkit/core';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the endpoint serves: one registry, or the sum over a cluster's workers. */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}
import { readiness, type ReadinessCheck } from './health.js';
import { StartupError } from './startup-error.js';

/** Every metric of one server, in a registry of its own. */
export function createMetrics(server: FtpServer): Registry {
  const registry = new Registry();
  // The standard names (process_cpu_seconds_total, nodejs_heap_size_used_bytes, ...) that
  // dashboards and alerts for Node services already use.
  collectDefaultMetrics({ register: registry });
  const sessions = new Counter({ name: 'ftpkit_sessions_total', help: 'Control connections accepted.', registers: [registry] });
  new Gauge({
    name: 'ftpkit_sessions_active',
    help: 'Control connections open now.',
    registers: [registry],
    collect() {
      this.set(server.sessions.size);
    },
  });
  const logins = new Counter({ name: 'ftpkit_logins_total', help: 'Login attempts by outcome.', labelNames: ['outcome'], registers: [registry] });
  const bytes = new Counter({
    name: 'ftpkit_transfer_bytes_total',
    help: 'Bytes moved over data connections, by direction (in: uploads, out: downloads and listings).',
    labelNames: ['direction'],
    registers: [registry],
  });
  const transfers = new Counter({
    name: 'ftpkit_transfers_total',
    help: 'Transfers by command and outcome (completed, aborted, failed).',
    labelNames: ['command', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'ftpkit_command_duration_seconds',
    help: 'Time from a command to its final reply (transfer commands include the transfer).',
    labelNames: ['verb'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [registry],
  });
  for (const outcome of ['success', 'failure']) logins.inc({ outcome }, 0);
  for (const direction of ['in', 'out']) bytes.inc({ direction }, 0);

  server.on('connect', () => sessions.inc());
  server.on('login', () => logins.inc({ outcome: 'success' }));
  server.on('login-failed', () => logins.inc({ outcome: 'failure' }));
  server.on('transfer-end', (t) => {
    bytes.inc({ direction: t.direction === 'upload' ? 'in' : 'out' }, t.result.bytes);
    transfers.inc({ command: t.command, status: t.result.status });
  });
  server.on('command-end', ({ verb, reply, durationMs }) => {
    // Verbs the server does not know would let clients invent label values.
    latency.observe({ verb: reply === 500 || reply === 502 ? 'unknown' : verb }, durationMs / 1000);
  });
  return registry;
}

/**
 * In a cluster worker: answer the primary's requests for `registry` (prom-client's
 * cluster protocol over IPC), so the primary's endpoint sums every worker.
 */
export function offerToCluster(registry: Registry): void {
  new AggregatorRegistry(); // prom-client starts answering the primary when one is made
  AggregatorRegistry.setRegistries([registry]);
}

/** In a cluster primary: the workers' metrics, aggregated per metric (counters summed). */
export function clusterMetrics(): MetricsSource {
  const aggregator = new AggregatorRegistry();
  return { metrics: () => aggregator.clusterMetrics(), contentType: aggregator.contentType };
}

/** A metrics listener that could not start, named as such (the FTP port is another matter). */
export class MetricsListenError extends StartupError {
  override readonly name: string = 'MetricsListenError';
}

/**
 * Serve `registry` on `http://host:port/metrics`, and the probes `/healthz` and `/readyz`
 * (running `checks`); resolves once listening, rejects with a {@link MetricsListenError}.
 */
export function serveMetrics(
  registry: MetricsSource,
  host: string,
  port: number,
  checks: readonly ReadinessCheck[] = [],
): Promise<{ server: Server; address: AddressInfo }> {
  const http = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end('Method not allowed\n');
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      void readiness(checks).then((result) => {
        res.writeHead(result.ok ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify(result)}\n`);
      });
    } else if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: try /metrics, /healthz or /readyz\n');
    }
  });
  return new Promise((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) =>
      reject(new MetricsListenError(`cannot serve metrics on ${host}:${port}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}`));
    http.once('error', failed);
    http.listen({ host, port }, () => {
      http.off('error', failed);
      resolve({ server: http, address: http.address() as AddressInfo });
    });
  });
}
