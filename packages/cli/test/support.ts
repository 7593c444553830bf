/** Runs the real `ftpkit` program for tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { run as runProcess } from '../../../test/support/process.js';

const bin = fileURLToPath(new URL('../bin/ftpkit.js', import.meta.url));

/** Start the program; resolves once it printed its address (and its whole startup message). */
export async function startCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; port: number; output: () => string; errors: () => string; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      const m = /listening on ftps?:\/\/(?:\[[^\]]+\]|[^\s:/]+):(\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  return {
    child,
    port,
    output: () => stdout,
    errors: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode; // already gone (e.g. SIGKILL)
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      return code as number | null;
    },
  };
}

/** Run the program to its end. */
export async function run(args: string[], input?: string, env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await runProcess(process.execPath, [bin, ...args], { input: input ?? '', ...(env ? { env } : {}) });
  return { code, stdout, stderr };
}
