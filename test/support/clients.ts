/** Running external FTP clients (curl, lftp, rclone, python3) in tests. */
import { execFile, execFileSync } from 'node:child_process';

/** Whether `bin` runs (checked with its version flag). */
export function hasBinary(bin: string, versionFlag = '--version'): boolean {
  try {
    execFileSync(bin, [versionFlag], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Run a program to its end (killed after `timeoutMs`); never rejects for a non-zero exit. */
export function run(bin: string, args: string[], options: { input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      bin,
      args,
      { encoding: 'buffer', timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024, cwd: options.cwd },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr: stderr.toString() });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Python 3 with ftplib available, or undefined. */
export function findPython(): string | undefined {
  for (const bin of ['python3', 'python']) {
    try {
      execFileSync(bin, ['-c', 'import ftplib, ssl'], { stdio: 'ignore', timeout: 10_000 });
      return bin;
    } catch {
      // try the next name
    }
  }
  return undefined;
}
