/**
 * A real HAProxy in TCP mode in front of ftpkit nodes, as `haproxy -f cfg -db`: one
 * control front end dealt round robin to the nodes, and one front end per node for its
 * passive slice, forwarded to that node on the same port. Every connection to a node
 * leaves from `source` and starts with a PROXY v2 header naming the client.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';

/** One backend node as the balancer sees it. */
export interface BalancedNode {
  /** Its own loopback address (127.0.0.x). */
  address: string;
  /** Its control port. */
  port: number;
  /** Its passive slice, forwarded to it port for port. */
  passivePorts: { min: number; max: number };
  /**
   * Where the balancer takes the slice's connections, relative to the node's ports (a
   * Kubernetes NodePort in front of a pod): the front end binds min+offset…max+offset and
   * forwards to the node's port = front-end port − offset. Default 0 (same ports).
   */
  advertisedOffset?: number;
}

/** Where the balancer listens and how it reaches the nodes. */
export interface BalancerLayout {
  /** Front-end address: clients connect here (and ftplib's passive connections too). */
  host: string;
  /** Control front-end port. */
  port: number;
  /** Address HAProxy connects to the nodes from (what the nodes trust). */
  source: string;
  /** A port answering `GET /ready` once HAProxy runs. */
  monitorPort: number;
  nodes: readonly BalancedNode[];
}

/**
 * The configuration for `layout`, as the README shows it. `check-send-proxy` makes the
 * health checks send a PROXY header as well (a v2 LOCAL command), and the check waits
 * for the FTP banner.
 */
export function haproxyConfig(layout: BalancerLayout): string {
  const { host, port, source, monitorPort, nodes } = layout;
  const letter = (i: number) => String.fromCharCode(97 + i);
  return [
    'global',
    '  maxconn 4000',
    '',
    'defaults',
    '  mode tcp',
    '  timeout connect 5s',
    '  timeout client 5m',
    '  timeout server 5m',
    '',
    'frontend ready',
    '  mode http',
    `  bind ${host}:${monitorPort}`,
    '  monitor-uri /ready',
    '',
    '# Control connections: round robin over the nodes.',
    'frontend ftp_control',
    `  bind ${host}:${port}`,
    '  default_backend ftp_nodes',
    '',
    'backend ftp_nodes',
    '  balance roundrobin',
    `  source ${source}`,
    '  option tcp-check',
    '  tcp-check expect rstring ^220',
    ...nodes.map((n, i) => `  server node_${letter(i)} ${n.address}:${n.port} send-proxy-v2 check check-send-proxy inter 2s`),
    '',
    ...nodes.flatMap((n, i) => {
      const offset = n.advertisedOffset ?? 0;
      // A server without a port keeps the port the client connected to; ":-N" shifts it.
      const target = offset === 0 ? n.address : `${n.address}:${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
      return [
        `# Passive slice of node ${letter(i)}: ${offset === 0 ? 'the same ports' : `ports shifted by ${offset}`}, on that node only.`,
        `frontend ftp_passive_${letter(i)}`,
        `  bind ${host}:${n.passivePorts.min + offset}-${n.passivePorts.max + offset}`,
        `  default_backend ftp_passive_${letter(i)}`,
        '',
        `backend ftp_passive_${letter(i)}`,
        `  source ${source}`,
        `  server node_${letter(i)} ${target} send-proxy-v2`,
        '',
      ];
    }),
  ].join('\n');
}

/** A running HAProxy. */
export interface Balancer {
  child: ChildProcess;
  config: string;
  /** What HAProxy wrote (warnings, alerts such as a node marked DOWN). */
  output(): string;
  /** Each control back-end server's state and last check, e.g. `node_a UP L7OK`. */
  nodeStates(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Write the configuration into `dir` and start HAProxy. Resolves once it serves and
 * every node has passed its first health check, so that no test meets a balancer that
 * still holds its clients in the queue.
 */
export async function startHaproxy(layout: BalancerLayout, dir: string, statsPort: number): Promise<Balancer> {
  // Beyond the README's configuration: a stats page the tests read the nodes' states from.
  const stats = ['', 'frontend stats', '  mode http', `  bind ${layout.host}:${statsPort}`, '  stats enable', '  stats uri /stats', ''];
  const config = `${haproxyConfig(layout)}\n${stats.join('\n')}`;
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, config);
  const child = spawn('haproxy', ['-f', file, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`haproxy exited with ${String(code)}:\n${output}`);
  });
  exited.catch(() => {});
  const nodeStates = async (): Promise<string[]> => {
    const csv = await (await fetch(`http://${layout.host}:${statsPort}/stats;csv`)).text();
    const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n').map((line) => line.split(','));
    const column = (name: string) => header!.indexOf(name);
    return rows
      .filter((row) => row[column('pxname')] === 'ftp_nodes' && row[column('svname')]!.startsWith('node_'))
      .map((row) => `${row[column('svname')]} ${row[column('status')]} ${row[column('check_status')]}`);
  };
  await Promise.race([waitForPort(layout.host, layout.monitorPort, 10_000), exited]);
  await Promise.race([waitForNodes(nodeStates, layout.nodes.length, 15_000, () => output), exited]);
  return {
    child,
    config,
    output: () => output,
    nodeStates,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** Resolves once something accepts TCP connections on host:port. */
async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once every node is UP with a passed check (L7OK); else throws with the states seen. */
async function waitForNodes(states: () => Promise<string[]>, count: number, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  for (;;) {
    seen = await states().catch((err: Error) => [err.message]);
    if (seen.length === count && seen.every((line) => / UP L7OK$/.test(line))) return;
    if (Date.now() > deadline) throw new Error(`the balancer's nodes did not come up: ${seen.join('; ')}\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
