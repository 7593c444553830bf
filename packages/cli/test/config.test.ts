import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { loadConfigFile } from '../src/config/file.js';
import { resolveConfig } from '../src/config/resolve.js';
import { parseCommandLine, UsageError, type Flags } from '../src/args.js';
import { hashPassword, verifyPassword } from '../src/password.js';
import { run, startCli } from './support.js';

let dir: string;
let hash: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ftpkit-config-'));
  hash = await hashPassword('s3cret');
});
after(() => rm(dir, { recursive: true, force: true }));

async function configFile(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** The error loading `text` gives, without the file name. */
async function errorOf(text: string): Promise<string> {
  const file = await configFile('bad.json', text);
  let err: unknown;
  try {
    resolveConfig({ users: [] }, await loadConfigFile(file));
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof Error, 'expected the config to be refused');
  return err.message.replace(`${file}:`, '');
}

describe('config file errors name the key and its line', () => {
  it('reports unknown keys with a suggestion', async () => {
    const text = `{\n  "port": 2121,\n  "users": [\n    {\n      "name": "alice",\n      "pasword": "x"\n    }\n  ]\n}\n`;
    assert.equal(await errorOf(text), '6: users[0].pasword: unknown key (did you mean "password"?)');
  });

  it('reports a missing required key on the line of its object', async () => {
    assert.equal(await errorOf(`{\n  "users": [\n    { "name": "bob" }\n  ]\n}`), '3: users[0]: missing required key "password"');
  });

  it('reports wrong types and values', async () => {
    assert.equal(await errorOf(`{\n  "host": "::1",\n  "port": "21"\n}`), '3: port: must be an integer, got "21"');
    assert.match(await errorOf(`{\n\n  "log": { "level": "loud" }\n}`), /^3: log\.level: must be one of "silent", "error", "warn", "info", "debug"$/);
    assert.match(await errorOf(`{ "passivePorts": "50000:50100" }`), /^1: passivePorts: invalid value "50000:50100": Passive data port range/);
    assert.equal(await errorOf(`{\n "passivePorts": "5000-4000"\n}`), '2: passivePorts: must be MIN-MAX within 1-65535, got "5000-4000"');
  });

  it('reports storage keys that belong to another storage type', async () => {
    assert.equal(await errorOf(`{\n  "storage": {\n    "type": "local",\n    "root": "/srv",\n    "bucket": "b"\n  }\n}`), '5: storage.bucket: not allowed for this storage type');
    assert.equal(await errorOf(`{\n  "storage": { "type": "s3" }\n}`), '2: storage: missing required key "bucket"');
    assert.equal(await errorOf(`{\n  "storage": { "type": "local", "root": "/srv", "preset": "r2" }\n}`), '2: storage.preset: not allowed for this storage type');
    assert.match(await errorOf(`{\n  "storage": { "type": "s3", "bucket": "b",\n "preset": "gcs" }\n}`), /^3: storage\.preset: must be one of "aws", "minio", "r2", "b2"$/);
  });

  it('refuses plain-text passwords, duplicate users and duplicate keys', async () => {
    assert.match(
      await errorOf(`{ "users": [\n {\n  "name": "a",\n  "password": "$scrypt$nope"\n } ] }`),
      /^4: users\[0\]\.password: not an scrypt hash: make one with `ftpkit hash-password`$/,
    );
    assert.match(await errorOf(`{ "users": [\n {"name": "a", "password": "plain"} ] }`), /^2: users\[0\]\.password: invalid value "plain": An scrypt hash/);
    const users = `{ "users": [\n {"name": "a", "password": "${hash}"},\n {"name": "a", "password": "${hash}"}\n] }`;
    assert.equal(await errorOf(users), '3: users[1].name: user "a" is already defined at users[0]');
    assert.equal(await errorOf(`{\n "port": 1,\n "port": 2\n}`), '3: port: key given twice');
  });

  it('reports JSON syntax errors with their line', async () => {
    assert.equal(await errorOf(`{\n  "port": 2121,\n  "host": "a",,\n}`), '3: invalid JSON: property name expected');
    assert.equal(await errorOf(`{\n  // comments are fine\n  "port": 2121\n  "host": "a"\n}`), '4: invalid JSON: comma expected');
  });

  it('makes the program exit with status 2 and the one-line reason', async () => {
    const file = await configFile('typo.json', `{\n  "hostt": "127.0.0.1"\n}\n`);
    const { code, stderr } = await run(['--config', file]);
    assert.equal(code, 2);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.equal(stderr.trim(), `ftpkit: ${file}:2: hostt: unknown key (did you mean "host"?) (see ftpkit --help)`);
    const missing = await run(['--config', join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read config file .*nope\.json: ENOENT/);
  });
});

describe('flags override the config file', () => {
  it('prefers each given flag and keeps the file for the rest', async () => {
    const file = await configFile(
      'full.json',
      JSON.stringify({
        host: '127.0.0.2',
        port: 2100,
        passivePorts: { min: 40000, max: 40010 },
        readOnly: true,
        log: { level: 'warn', xferlog: 'xfer.log' },
        metrics: { port: 9100 },
        users: [{ name: 'alice', password: hash, quota: { maxBytes: '1MiB', maxFileSize: 1000 }, bandwidth: { download: '512KiB' } }],
      }),
    );
    const flags = parseCommandLine(['--config', file, '--port', '0', '--passive-ports', '50000-50001', '--metrics-port', '0', '--user', 'bob:pw']) as Flags;
    const config = resolveConfig(flags, await loadConfigFile(file));
    assert.equal(config.host, '127.0.0.2');
    assert.equal(config.port, 0);
    assert.deepEqual(config.passivePorts, { min: 50000, max: 50001 });
    assert.equal(config.readOnly, true);
    assert.equal(config.logLevel, 'warn');
    assert.deepEqual(config.xferlog, { file: join(dir, 'xfer.log'), format: 'xferlog' });
    assert.deepEqual(config.metrics, { host: '127.0.0.1', port: 0 });
    assert.deepEqual(config.users.map((u) => u.name), ['alice', 'bob']);
    assert.deepEqual(config.users[0]!.quota, { maxBytes: 1024 * 1024, maxFileSize: 1000 });
    assert.deepEqual(config.users[0]!.bandwidth, { download: 512 * 1024 });
  });

  it('runs the program on the flag port although the file names a busy one', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const busyPort = (busy.address() as { port: number }).port;
    const file = await configFile('busy.json', JSON.stringify({ port: busyPort, users: [{ name: 'alice', password: hash }] }));
    try {
      const refused = await run(['--config', file]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);

      const cli = await startCli(['--config', file, '--port', '0', '--read-only']);
      const client = new Client();
      try {
        assert.notEqual(cli.port, busyPort);
        await client.access({ host: '127.0.0.1', port: cli.port, user: 'alice', password: 's3cret' });
        await assert.rejects(client.ensureDir('newdir'), /550/, '--read-only applies to the file users');
        await assert.rejects(new Client().access({ host: '127.0.0.1', port: cli.port, user: 'alice', password: 'wrong' }), /530/);
      } finally {
        client.close();
        assert.equal(await cli.stop(), 0);
      }
    } finally {
      busy.close();
    }
  });
});

describe('ftpkit hash-password', () => {
  it('hashes the password read from standard input', async () => {
    const { code, stdout } = await run(['hash-password'], 'correct horse\n');
    assert.equal(code, 0);
    const line = stdout.trim();
    assert.match(line, /^\$scrypt\$ln=14,r=8,p=1\$[\w-]+\$[\w-]+$/);
    assert.equal(await verifyPassword(line, 'correct horse'), true);
    assert.equal(await verifyPassword(line, 'correct horse '), false);
  });

  it('refuses an empty password and arguments', async () => {
    assert.equal((await run(['hash-password'], '\n')).code, 1);
    const args = await run(['hash-password', 'secret']);
    assert.equal(args.code, 2);
    assert.match(args.stderr, /takes no arguments/);
  });
});

describe('PROXY protocol and the passive port offset', () => {
  it('reads proxyProtocol and passivePortOffset from the file, and --proxy-protocol replaces the list', async () => {
    const file = await configFile(
      'fleet.json',
      JSON.stringify({ passivePorts: '50000-50009', passivePortOffset: -20000, proxyProtocol: { trusted: ['10.0.0.0/8', '127.0.0.10'], timeout: 2 } }),
    );
    const fromFile = resolveConfig({ users: [] }, await loadConfigFile(file));
    assert.deepEqual(fromFile.passivePorts, { min: 50000, max: 50009, advertisedOffset: -20000 });
    assert.deepEqual(fromFile.proxyProtocol, { trusted: ['10.0.0.0/8', '127.0.0.10'], timeout: 2000 });
    const flags = parseCommandLine(['--config', file, '--proxy-protocol', '192.0.2.0/24, ::1', '--passive-port-offset', '100']) as Flags;
    const overridden = resolveConfig(flags, await loadConfigFile(file));
    assert.deepEqual(overridden.proxyProtocol, { trusted: ['192.0.2.0/24', '::1'], timeout: 2000 });
    assert.deepEqual(overridden.passivePorts, { min: 50000, max: 50009, advertisedOffset: 100 });
  });

  it('refuses bad blocks and offsets with the key or flag named', async () => {
    assert.equal(await errorOf(`{\n "proxyProtocol": {\n  "trusted": ["10.0.0.0/8", "10.0.0.0/33"]\n }\n}`), '3: proxyProtocol.trusted[1]: not an address or CIDR block: "10.0.0.0/33"');
    assert.match(await errorOf(`{ "proxyProtocol": { "trusted": [] } }`), /^1: proxyProtocol\.trusted: /);
    assert.match(await errorOf(`{ "passivePorts": "60000-60009", "passivePortOffset": 6000 }`), /passivePortOffset 6000 moves the passive ports 60000-60009 outside 1-65535/);
    for (const [args, message] of [
      [['--proxy-protocol', '10.0.0.0/8,example.com'], /--proxy-protocol needs addresses or CIDR blocks, got "example\.com"/],
      [['--passive-port-offset', '10'], /--passive-port-offset needs a passive port range/],
      [['--passive-port-offset', 'x', '--passive-ports', '50000-50001'], /--passive-port-offset must be an integer/],
    ] as const) {
      assert.throws(() => resolveConfig(parseCommandLine([...args]) as Flags), (err: unknown) => err instanceof UsageError && message.test(err.message), args.join(' '));
    }
  });
});
