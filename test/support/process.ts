/**
 * Running real FTP clients (curl, lftp, rclone, python) as separate processes: with a
 * timeout, output captured, and a clear skip when the binary is not installed.
 */
import { spawn, spawnSync } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The same output as bytes, for binary downloads. */
  stdoutBytes: Buffer;
  stderr: string;
}

export interface RunOptions {
  /** Kill the process after this many milliseconds. Default 30 s. */
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
}

/** Run a command to its end; never rejects for a non-zero exit (check `code`). */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => stdout.push(c));
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(stdout);
      resolve({ code, signal, stdout: stdoutBytes.toString(), stdoutBytes, stderr: Buffer.concat(stderr).toString() });
    });
    child.stdin.end(options.input);
  });
}

/** Like {@link run}, but throws with the captured output unless the exit code is 0. */
export async function runOk(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.code ?? result.signal}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

const found = new Map<string, boolean>();

/** Whether `binary` runs here (checked once with `--version`, or `check` args). */
export function hasBinary(binary: string, check: readonly string[] = ['--version']): boolean {
  const key = [binary, ...check].join('\0');
  let ok = found.get(key);
  if (ok === undefined) {
    const result = spawnSync(binary, check, { stdio: 'ignore', timeout: 10_000 });
    ok = result.error === undefined && result.status === 0;
    found.set(key, ok);
  }
  return ok;
}

/** Python 3 with ftplib and ssl available (`python3` or `python`), or undefined. */
export function findPython(): string | undefined {
  return ['python3', 'python'].find((bin) => hasBinary(bin, ['-c', 'import ftplib, ssl']));
}

/**
 * A `skip` value for `describe`/`it`: false when present, else the reason shown. Under
 * CI (`CI` set, as .ci/run does) a missing binary is not skipped: the test runs and
 * fails on it, so a broken install cannot pass as a green run.
 */
export function skipUnless(binary: string, check?: readonly string[]): false | string {
  if (hasBinary(binary, check) || process.env.CI) return false;
  return `${binary} is not installed (CI installs it; see .ci/run)`;
}
