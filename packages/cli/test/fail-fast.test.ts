// The program refuses at start what would otherwise fail later or obscurely: each case
// as a user meets it, status 2 and one line naming the flag or the config key and line.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitUntil } from '../../../test/support/process-stats.js';
import { run, startCli } from './support.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ftpkit-fail-fast-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** Run the program and expect status 2 with exactly `lines` lines on stderr, each `ftpkit: …`. */
async function refused(args: string[], lines = 1): Promise<string> {
  const { code, stdout, stderr } = await run(args);
  assert.equal(code, 2, `${args.join(' ')} → ${code}\n${stderr}`);
  assert.equal(stdout, '', 'nothing printed as if it started');
  const got = stderr.trimEnd().split('\n');
  assert.equal(got.length, lines, stderr);
  for (const line of got) assert.match(line, /^ftpkit: /);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  return stderr.trimEnd();
}

describe('the program fails fast and clearly', () => {
  it('names --tls-cert or --tls-key when its file is missing or not PEM', async () => {
    const pem = join(dir, 'some.pem');
    await writeFile(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const notPem = join(dir, 'notes.txt');
    await writeFile(notPem, 'hello\n');
    assert.match(await refused(['--tls-cert', join(dir, 'missing.crt'), '--tls-key', pem]), /^ftpkit: --tls-cert: cannot read \S+missing\.crt \(ENOENT\)/);
    assert.match(await refused(['--tls-cert', pem, '--tls-key', notPem]), /^ftpkit: --tls-key: \S+notes\.txt is not a PEM file/);
    assert.match(await refused(['--tls-cert', pem, '--tls-key', dir]), /^ftpkit: --tls-key: cannot read \S+ \(EISDIR\)/);
  });

  it('names the config key and its line for tls.certFile', async () => {
    const file = join(dir, 'tls.json');
    await writeFile(file, '{\n  "port": 0,\n  "tls": {\n    "certFile": "gone.crt",\n    "keyFile": "gone.key"\n  }\n}\n');
    const message = await refused(['--config', file], 2);
    assert.match(message, new RegExp(`^ftpkit: ${file}:4: tls\\.certFile: cannot read \\S+gone\\.crt \\(ENOENT\\)$`, 'm'));
    assert.match(message, new RegExp(`^ftpkit: ${file}:5: tls\\.keyFile: cannot read \\S+gone\\.key \\(ENOENT\\)`, 'm'));
  });

  it('refuses a public host that does not resolve, from the flag or the file', async () => {
    assert.match(await refused(['--port', '0', '--public-host', 'ftpkit-test.invalid']), /^ftpkit: --public-host: cannot resolve "ftpkit-test\.invalid"/);
    const file = join(dir, 'public-host.json');
    await writeFile(file, '{\n  "port": 0,\n  "publicHost": "ftpkit-test.invalid"\n}\n');
    assert.match(await refused(['--config', file]), new RegExp(`^ftpkit: ${file}:3: publicHost: cannot resolve`));
  });

  it('reports a busy metrics port as the metrics listener’s', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      const { port } = blocker.address() as AddressInfo;
      assert.equal(await refused(['--port', '0', '--metrics-port', String(port)]), `ftpkit: cannot serve metrics on 127.0.0.1:${port}: the port is in use`);
    } finally {
      blocker.close();
    }
  });

  it('gives one line for a transfer log it cannot open', async () => {
    assert.equal(await refused(['--port', '0', '--xferlog', join(dir, 'no', 'such', 'xferlog')]), `ftpkit: cannot open the transfer log ${join(dir, 'no', 'such', 'xferlog')}: ENOENT`);
  });

  it('lists every problem of a config file, one line each', async () => {
    const file = join(dir, 'many.json');
    await writeFile(file, '{\n  "port": "21",\n  "hostt": "::1",\n  "log": { "level": "loud" }\n}\n');
    const lines = (await refused(['--config', file], 3)).split('\n');
    assert.match(lines[0]!, new RegExp(`^ftpkit: ${file}:2: port: must be an integer`));
    assert.match(lines[1]!, new RegExp(`^ftpkit: ${file}:3: hostt: unknown key \\(did you mean "host"\\?\\)`));
    assert.match(lines[2]!, new RegExp(`^ftpkit: ${file}:4: log\\.level: must be one of`));
    // Problems found after the schema check are all listed too.
    const users = join(dir, 'users.json');
    await writeFile(users, '{\n  "users": [\n    { "name": "a", "passwordFile": "no-such-secret" },\n    { "name": "b" },\n    { "name": "c", "password": "$scrypt$ln=14,r=8,p=1$c2FsdA$aGFzaA" },\n    { "name": "c", "password": "$scrypt$ln=14,r=8,p=1$c2FsdA$aGFzaA" }\n  ]\n}\n');
    const userLines = (await refused(['--config', users], 3)).split('\n');
    assert.match(userLines[0]!, /:3: users\[0\]\.passwordFile: cannot read \S+no-such-secret \(ENOENT\)$/);
    assert.match(userLines[1]!, /:4: users\[1\]: missing required key "password"$/);
    assert.match(userLines[2]!, /:6: users\[3\]\.name: user "c" is already defined at users\[2\]/);
  });

  it('explains --port -1 instead of calling it ambiguous', async () => {
    assert.equal(await refused(['--port', '-1']), 'ftpkit: --port must be a port number (0-65535), got "-1" (see ftpkit --help)');
    assert.equal(await refused(['--metrics-port', '-5']), 'ftpkit: --metrics-port must be a port number (0-65535), got "-5" (see ftpkit --help)');
  });

  it('logs a worker that dies, with how it ended', async () => {
    const root = await mkdtemp(join(dir, 'root-'));
    const cli = await startCli(['--port', '0', '--root', root, '--user', 'u:pw', '--passive-ports', '47100-47109', '--workers', '2']);
    try {
      const workers = execFileSync('pgrep', ['-P', String(cli.child.pid)], { encoding: 'utf8' }).trim().split('\n').map(Number);
      assert.equal(workers.length, 2);
      process.kill(workers[0]!, 'SIGKILL');
      await waitUntil(() => cli.errors().includes(`worker ${workers[0]} exited with signal SIGKILL`), 10_000, 'the worker exit in the log');
      const record = cli.errors().split('\n').find((line) => line.includes(`"worker":${workers[0]}`));
      assert.ok(record, cli.errors());
      assert.equal((JSON.parse(record) as { level: number; signal: string }).signal, 'SIGKILL');
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });
});
