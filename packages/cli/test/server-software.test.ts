// The program as server software: --version, secrets kept out of argv, SIGHUP reloads,
// the health probes and standard metric names, and the library's options in the config file.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestCerts, type CertPair, type TestCerts } from '../../../test/support/certs.js';
import { waitUntil } from '../../../test/support/process-stats.js';
import { skipUnless } from '../../../test/support/process.js';
import { RawClient } from '../../../test/support/raw-client.js';
import { loadConfigFile } from '../src/config/file.js';
import { resolveConfig } from '../src/config/resolve.js';
import { hashPassword } from '../src/password.js';
import { run, startCli } from './support.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ftpkit-ops-sw-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** Log in over a new control connection; the reply code to PASS. */
async function loginCode(port: number, user: string, password: string): Promise<number> {
  const { client } = await RawClient.connect(port);
  try {
    await client.send(`USER ${user}`);
    return (await client.send(`PASS ${password}`)).code;
  } finally {
    client.socket.destroy();
  }
}

/** The SHA-256 fingerprint of the certificate the server presents to AUTH TLS. */
async function presentedCertificate(port: number): Promise<string> {
  const { client } = await RawClient.connect(port);
  try {
    assert.equal((await client.send('AUTH TLS')).code, 234);
    return (await client.upgrade()).getPeerCertificate().fingerprint256;
  } finally {
    client.socket.destroy();
  }
}

describe('the program as server software', () => {
  it('prints its version', async () => {
    const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const { code, stdout } = await run([flag]);
      assert.equal(code, 0);
      assert.equal(stdout, `ftpkit ${version}\n`);
    }
  });

  it('takes users from FTPKIT_USERS, --users-file and passwordFile, none of them in argv', async () => {
    const usersFile = join(dir, 'users.txt');
    await writeFile(usersFile, `# partners\nbob:${await hashPassword('bob pw with spaces')}\n\ncarol:carol-plain\n`);
    await writeFile(join(dir, 'dave.secret'), 'dave-secret\n');
    const config = join(dir, 'secrets.json');
    await writeFile(config, JSON.stringify({ port: 0, users: [{ name: 'dave', passwordFile: 'dave.secret' }] }));
    const cli = await startCli(['--config', config, '--users-file', usersFile], { ...process.env, FTPKIT_USERS: 'alice:alice-pw erin:erin-pw' });
    try {
      assert.doesNotMatch(cli.output(), /login: user "demo"/);
      assert.equal(await loginCode(cli.port, 'alice', 'alice-pw'), 230);
      assert.equal(await loginCode(cli.port, 'erin', 'erin-pw'), 230);
      assert.equal(await loginCode(cli.port, 'bob', 'bob pw with spaces'), 230);
      assert.equal(await loginCode(cli.port, 'carol', 'carol-plain'), 230);
      assert.equal(await loginCode(cli.port, 'dave', 'dave-secret'), 230);
      assert.equal(await loginCode(cli.port, 'dave', 'dave-secretx'), 530);
      const argv = await readFile(`/proc/${cli.child.pid}/cmdline`, 'utf8');
      for (const secret of ['alice-pw', 'carol-plain', 'dave-secret']) assert.ok(!argv.includes(secret), `${secret} in argv`);
    } finally {
      await cli.stop();
    }
    assert.match((await run(['--users-file', join(dir, 'missing.txt')])).stderr, /^ftpkit: --users-file \S+missing\.txt: cannot read it \(ENOENT\)/);
    const bad = await run(['--port', '0'], '', { ...process.env, FTPKIT_USERS: 'alice:pw nocolon' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^ftpkit: FTPKIT_USERS entry 2: must be NAME:PASSWORD/);
  });

  describe('SIGHUP', { skip: skipUnless('openssl', ['version']) }, () => {
    let certs: TestCerts;
    let first: CertPair;
    let second: CertPair;
    before(() => {
      certs = createTestCerts();
      first = certs.issue('localhost', ['127.0.0.1']);
      second = certs.issue('localhost', ['127.0.0.1']);
    });
    after(() => certs?.remove());

    it('reloads the users and the TLS certificate without dropping sessions; a broken file keeps the running settings', async () => {
      const home = await mkdtemp(join(dir, 'hup-'));
      const cert = join(home, 'cert.pem');
      const key = join(home, 'key.pem');
      await copyFile(first.files.certFile, cert);
      await copyFile(first.files.keyFile, key);
      const config = join(home, 'ftpkit.json');
      const write = async (users: object[]) => writeFile(config, JSON.stringify({ port: 0, log: { level: 'info' }, tls: { certFile: 'cert.pem', keyFile: 'key.pem' }, users }));
      await write([{ name: 'alice', password: await hashPassword('old') }]);
      const cli = await startCli(['--config', config]);
      const { client: kept } = await RawClient.connect(cli.port);
      try {
        await kept.login('alice', 'old');
        const fingerprint = (pair: CertPair) => new X509Certificate(pair.cert).fingerprint256;
        assert.equal(await presentedCertificate(cli.port), fingerprint(first));
        assert.equal(await loginCode(cli.port, 'bob', 'bobpw'), 530);

        await write([
          { name: 'alice', password: await hashPassword('new') },
          { name: 'bob', password: await hashPassword('bobpw') },
        ]);
        await copyFile(second.files.certFile, cert);
        await copyFile(second.files.keyFile, key);
        cli.child.kill('SIGHUP');
        await waitUntil(() => cli.errors().includes('reloaded users and TLS certificates'), 10_000, 'the reload');
        assert.equal(cli.child.exitCode, null, 'still running');
        assert.equal(await loginCode(cli.port, 'alice', 'old'), 530);
        assert.equal(await loginCode(cli.port, 'alice', 'new'), 230);
        assert.equal(await loginCode(cli.port, 'bob', 'bobpw'), 230);
        assert.equal(await presentedCertificate(cli.port), fingerprint(second));
        assert.equal((await kept.send('PWD')).code, 257, 'the session logged in before the reload goes on');

        await writeFile(config, '{ "users": [');
        cli.child.kill('SIGHUP');
        await waitUntil(() => cli.errors().includes('reload failed'), 10_000, 'the failed reload');
        assert.match(cli.errors(), /reload failed, keeping the running settings: \S+ftpkit\.json:1: invalid JSON/);
        assert.equal(await loginCode(cli.port, 'bob', 'bobpw'), 230);
      } finally {
        kept.socket.destroy();
        assert.equal(await cli.stop(), 0);
      }
    });
  });

  it('passes SIGHUP to every worker with --workers', async () => {
    const root = await mkdtemp(join(dir, 'workers-'));
    const usersFile = join(root, 'users.txt');
    await writeFile(usersFile, 'wendy:first\n');
    const cli = await startCli(['--port', '0', '--root', root, '--users-file', usersFile, '--passive-ports', '47120-47129', '--workers', '2']);
    try {
      assert.equal(await loginCode(cli.port, 'wendy', 'first'), 230);
      await writeFile(usersFile, 'wendy:second\n');
      cli.child.kill('SIGHUP');
      const reloads = () => cli.errors().split('reloaded users and TLS certificates').length - 1;
      await waitUntil(() => reloads() === 2, 10_000, 'a reload in each worker');
      // Round robin: consecutive logins reach both workers.
      for (let i = 0; i < 4; i++) {
        assert.equal(await loginCode(cli.port, 'wendy', 'first'), 530);
        assert.equal(await loginCode(cli.port, 'wendy', 'second'), 230);
      }
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  it('serves /healthz, /readyz and the standard process metrics on the metrics port', async () => {
    const root = await mkdtemp(join(dir, 'probe-'));
    const cli = await startCli(['--port', '0', '--root', root, '--user', 'u:pw', '--metrics-port', '0']);
    try {
      const base = /metrics on (http:\S+)\/metrics/.exec(cli.output())![1]!;
      const health = await fetch(`${base}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(await health.text(), 'ok\n');
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { ok: true, checks: { listening: 'ok', storage: 'ok' } });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, /^process_cpu_seconds_total \d/m);
      assert.match(metrics, /^nodejs_eventloop_lag_seconds /m);
      assert.doesNotMatch(metrics, /ftpkit_process_/);

      await rm(root, { recursive: true });
      const gone = await fetch(`${base}/readyz`);
      assert.equal(gone.status, 503);
      const body = (await gone.json()) as { ok: boolean; checks: Record<string, string> };
      assert.equal(body.ok, false);
      assert.equal(body.checks.listening, 'ok');
      assert.notEqual(body.checks.storage, 'ok');
      assert.equal((await fetch(`${base}/healthz`)).status, 200, 'alive even when not ready');
    } finally {
      await cli.stop();
    }
  });

  it('takes the greeting, maxSessionsPerUser, the defender and its CIDR lists from the config file', async () => {
    const root = join(dir, 'served');
    await mkdir(root, { recursive: true });
    const config = join(dir, 'library.json');
    await writeFile(
      config,
      JSON.stringify({
        port: 0,
        greeting: 'Partner drop box',
        storage: { type: 'local', root: 'served', fsync: false },
        limits: { maxSessionsPerUser: 1 },
        defender: { failedLoginDelay: 0, maxLoginFailuresPerSession: 1, denyList: ['127.0.0.2/32'] },
        shutdownTimeout: 2,
        users: [{ name: 'pat', password: await hashPassword('pw') }],
      }),
    );
    const resolved = resolveConfig({ users: [] }, await loadConfigFile(config));
    assert.deepEqual(resolved.backend, { kind: 'local', root, fsync: false });
    assert.equal(resolved.shutdownTimeout, 2000);

    const cli = await startCli(['--config', config]);
    try {
      const { client: first, banner } = await RawClient.connect(cli.port);
      assert.equal(banner.text, '220 Partner drop box');
      await first.login('pat', 'pw');
      assert.equal(await loginCode(cli.port, 'pat', 'pw'), 530, 'a second session of the user');
      first.socket.destroy();

      const { client: wrong } = await RawClient.connect(cli.port);
      await wrong.send('USER pat');
      assert.equal((await wrong.send('PASS nope')).code, 530);
      // The default allows three failures per session; the file's 1 closes it after one.
      await waitUntil(() => wrong.closed, 5000, 'the close after one failure');

      const { banner: denied } = await RawClient.connect(cli.port, '127.0.0.1', '127.0.0.2');
      assert.equal(denied.code, 421);
    } finally {
      await cli.stop();
    }
    const bad = join(dir, 'bad-cidr.json');
    await writeFile(bad, '{\n  "defender": {\n    "allowList": ["10.0.0.0/8", "10.0.0.300/8"]\n  }\n}\n');
    const refused = await run(['--config', bad]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /:3: defender\.allowList\[1\]: not a CIDR block/);
  });
});
