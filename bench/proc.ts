/** Server processes: start, wait for the banner, stop, and measure their memory. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export function startProcess(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });
  child.once('exit', (code, signal) => {
    if (code && !stopping.has(child)) process.stderr.write(`${command} exited with ${code ?? signal}:\n${stderr}\n`);
  });
  return child;
}

const stopping = new WeakSet<ChildProcess>();

/** SIGTERM, then SIGKILL if it lingers; resolves once it has exited. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  stopping.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** Wait until something on host:port sends a 220 banner. */
export async function waitForBanner(host: string, port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.setEncoding('latin1');
      socket.once('data', (text: string) => {
        socket.destroy();
        resolve(text.startsWith('220'));
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`no FTP banner on ${host}:${port}`);
    await sleep(100);
  }
}

/**
 * The fields of /proc/<pid>/stat after the parenthesised command name, as numbers:
 * index 0 is field 3 (state), 1 is ppid, 11-14 are utime, stime, cutime and cstime.
 */
function statFields(pid: number | 'self'): number[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
}

/** The process and all its descendants. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!pid) continue;
    try {
      const ppid = statFields(pid)[1]!;
      const siblings = parents.get(ppid) ?? [];
      siblings.push(pid);
      parents.set(ppid, siblings);
    } catch {
      // the process exited while we looked
    }
  }
  const out: number[] = [];
  const visit = (pid: number) => {
    out.push(pid);
    for (const child of parents.get(pid) ?? []) visit(child);
  };
  visit(root);
  return out;
}

/**
 * Proportional set size of a process tree in bytes: shared pages are divided among
 * the processes sharing them, so a forking server (vsftpd) is not over-counted.
 */
export function treeMemory(root: number): number {
  let kib = 0;
  for (const pid of processTree(root)) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      kib += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kib * 1024;
}

/** Clock ticks per second of /proc/<pid>/stat times (CLK_TCK; 100 on Linux). */
const TICKS = 100;

/**
 * CPU seconds used by a process tree so far: user and system time of every live process,
 * plus the reaped children of the root (a forking server's finished sessions).
 */
export function treeCpuSeconds(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) {
    try {
      const fields = statFields(pid);
      ticks += fields[11]! + fields[12]!;
      if (pid === root) ticks += fields[13]! + fields[14]!;
    } catch {
      // gone
    }
  }
  return ticks / TICKS;
}

/**
 * CPU seconds of this process's children that have exited and been waited for (the
 * client processes a scenario ran: lftp, curl). Children still running are not in it.
 */
export function reapedChildrenCpuSeconds(): number {
  const fields = statFields('self');
  return (fields[13]! + fields[14]!) / TICKS;
}
