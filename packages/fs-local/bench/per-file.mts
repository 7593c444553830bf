// The per-file cost of LocalFileSystem as an FTP server pays it for small files: promises
// created, system calls and CPU time per download (RETR: stat + read, as the core does)
// and per upload (STOR + MFMT: write + setTimes), on 4 KiB files.
// Run from the repository root:
//   node --conditions=@ftpkit/source --import tsx packages/fs-local/bench/per-file.mts [files] [--strace] [--async]
// `--async` uses `syncMetadata: false`; `--strace` re-runs itself under `strace -f` and
// counts the system calls between two marker calls (needs strace on the PATH).
import { spawnSync } from 'node:child_process';
import { accessSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promiseHooks } from 'node:v8';
import { LocalFileSystem } from '../src/index.js';

const args = process.argv.slice(2);
const files = Number(args.find((a) => /^\d+$/.test(a)) ?? 2000);
const syncMetadata = !args.includes('--async');
const MARK = '/ftpkit-per-file-mark';

if (args.includes('--strace')) {
  const out = join(mkdtempSync(join(tmpdir(), 'per-file-strace-')), 'trace');
  const inner = args.filter((a) => a !== '--strace').concat('--marks');
  const node = [...process.execArgv, process.argv[1] ?? ''];
  const run = spawnSync('strace', ['-f', '-qq', '-e', 'trace=%file,%desc', '-o', out, process.execPath, ...node, ...inner], {
    stdio: 'inherit',
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
  reportTrace(readFileSync(out, 'utf8'));
  rmSync(out, { force: true });
} else {
  await measure();
}

async function measure(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'fs-local-per-file-'));
  const marks = args.includes('--marks');
  try {
    const fs = new LocalFileSystem({ root, uploadPolicy: 'in-place', fsync: false, staleUploadAge: false, syncMetadata });
    const body = Buffer.alloc(4096, 7);
    await mkdir(join(root, 'd'));
    for (let i = 0; i < files; i++) await writeFile(join(root, 'd', `f${i}`), body);
    const retr = async (i: number): Promise<void> => {
      const path = `/d/f${i}`;
      await fs.stat(path);
      await pipeline(await fs.read(path), sink());
    };
    const stor = async (i: number): Promise<void> => {
      const path = `/d/u${i}`;
      await pipeline(Readable.from([body]), await fs.write(path));
      await fs.setTimes(path, new Date(1_700_000_000_000));
    };
    for (const [name, op] of [['RETR', retr], ['STOR+MFMT', stor]] as const) {
      for (let i = 0; i < Math.min(files, 500); i++) await op(i); // warm the JIT up
      // The measured uploads create new files, as the warm-up's did.
      for (let i = 0; i < 500; i++) await rm(join(root, 'd', `u${i}`), { force: true });
      if (marks) mark(`begin ${name}`);
      let promises = 0;
      const stop = promiseHooks.onInit(() => promises++);
      const cpu = process.cpuUsage();
      const t = performance.now();
      for (let i = 0; i < files; i++) await op(i);
      const ms = performance.now() - t;
      const used = process.cpuUsage(cpu);
      stop();
      if (marks) mark(`end ${name}`);
      const perFile = (n: number): string => (n / files).toFixed(1);
      console.log(
        `${name.padEnd(10)} ${perFile(promises)} promises/file, ${perFile((used.user + used.system))} µs CPU/file, ` +
          `${((files / ms) * 1000).toFixed(0)} files/s (${files} files, syncMetadata: ${syncMetadata})`,
      );
    }
    await fs.close();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** A failing access(2) of a fixed name: visible in the trace, harmless otherwise. */
function mark(label: string): void {
  try {
    accessSync(`${MARK}-${label.replace(/\W/g, '_')}`);
  } catch {}
}

/** Count the calls (all threads) between each begin/end marker pair of the trace. */
function reportTrace(trace: string): void {
  let current: string | undefined;
  let counts = new Map<string, number>();
  for (const line of trace.split('\n')) {
    const marker = line.match(/ftpkit-per-file-mark-(begin|end)_(\S+?)"/);
    if (marker) {
      if (marker[1] === 'begin') {
        current = marker[2];
        counts = new Map();
      } else if (current) {
        const total = [...counts.values()].reduce((a, b) => a + b, 0);
        const each = [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / files).toFixed(2)}`);
        console.log(`${current}: ${(total / files).toFixed(2)} system calls/file (${each.join(', ')})`);
        current = undefined;
      }
      continue;
    }
    const call = current && line.match(/^\d+\s+(?:<\.\.\. )?([a-z0-9_]+)[( ]/);
    if (call && !line.includes('resumed>')) counts.set(call[1] ?? '?', (counts.get(call[1] ?? '?') ?? 0) + 1);
  }
}

function sink(): Writable {
  return new Writable({ write: (_chunk, _enc, cb) => cb() });
}
