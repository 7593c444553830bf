import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FtpServer } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { serveAdmin } from '../src/admin/server.js';
import { UsageError, parseCommandLine, type Flags } from '../src/args.js';
import { loadConfigFile } from '../src/config/file.js';
import { resolveConfig } from '../src/config/resolve.js';
import { RawClient } from '../../../test/support/raw-client.js';
import { startCli } from './support.js';

const TOKEN = 'abcdefghijklmnopqrstuvwxyz012345';
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ftpkit-admin-config-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function waitUntil(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

const flags = (...argv: string[]) => parseCommandLine(argv) as Flags;
const adminOf = (argv: string[], env: NodeJS.ProcessEnv = {}) => resolveConfig(flags(...argv), undefined, { env }).admin;

async function fromFile(config: object, argv: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const file = join(dir, `ftpkit-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(config, null, 2));
  return resolveConfig(flags(...argv), await loadConfigFile(file), { env }).admin;
}

describe('admin settings', () => {
  it('take the token from the flag, the token file, the environment, then the config file', async () => {
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, `${TOKEN}-file\n`);
    assert.deepEqual(adminOf(['--admin-port', '0', '--admin-token', TOKEN], { FTPKIT_ADMIN_TOKEN: `${TOKEN}-env` }), { host: '127.0.0.1', port: 0, token: TOKEN });
    assert.equal(adminOf(['--admin-port', '0', '--admin-token-file', tokenFile], { FTPKIT_ADMIN_TOKEN: `${TOKEN}-env` })?.token, `${TOKEN}-file`);
    assert.equal(adminOf(['--admin-port', '8021', '--admin-host', '::1'], { FTPKIT_ADMIN_TOKEN: `${TOKEN}-env` })?.host, '::1');
    assert.equal(adminOf(['--admin-port', '0'], { FTPKIT_ADMIN_TOKEN: `${TOKEN}-env` })?.token, `${TOKEN}-env`);
    assert.equal(adminOf([], { FTPKIT_ADMIN_TOKEN: TOKEN }), undefined); // no port: no admin listener
    // The file's tokenFile is relative to the config file, and beats its token.
    assert.deepEqual(await fromFile({ admin: { port: 9000, host: '127.0.0.5', tokenFile: 'token', token: `${TOKEN}-inline` } }), {
      host: '127.0.0.5',
      port: 9000,
      token: `${TOKEN}-file`,
    });
    assert.equal((await fromFile({ admin: { port: 9000, token: `${TOKEN}-inline` } }))?.token, `${TOKEN}-inline`);
    assert.equal((await fromFile({ admin: { port: 9000, token: `${TOKEN}-inline` } }, [], { FTPKIT_ADMIN_TOKEN: `${TOKEN}-env` }))?.token, `${TOKEN}-env`);
    assert.equal((await fromFile({ admin: { port: 9000, token: `${TOKEN}-inline` } }, ['--admin-port', '9001']))?.port, 9001);
  });

  it('refuse a missing, short or unreadable token, stray flags, and --workers', async () => {
    assert.throws(() => adminOf(['--admin-port', '0']), (e: Error) => e instanceof UsageError && /needs a token/.test(e.message));
    assert.throws(() => adminOf(['--admin-port', '0', '--admin-token', 'short']), /--admin-token: .*at least 16 characters/);
    assert.throws(() => adminOf(['--admin-port', '0', '--admin-token', `${TOKEN} x`]), /without spaces/);
    assert.throws(() => adminOf(['--admin-port', '0', '--admin-token-file', join(dir, 'missing')]), /cannot read --admin-token-file .*ENOENT/);
    assert.throws(() => adminOf(['--admin-token', TOKEN]), /--admin-token needs --admin-port/);
    assert.throws(() => adminOf(['--admin-host', '127.0.0.1']), /--admin-host needs --admin-port/);
    assert.throws(() => adminOf(['--admin-port', 'x', '--admin-token', TOKEN]), /--admin-port must be a port number/);
    assert.throws(
      () => adminOf(['--admin-port', '0', '--admin-token', TOKEN, '--workers', '2', '--root', dir, '--passive-ports', '50000-50010']),
      /--workers cannot serve the admin API/,
    );
    await assert.rejects(fromFile({ admin: { port: 9000 } }), /:2: admin: the admin API needs a token/);
    await assert.rejects(fromFile({ admin: { port: 9000, token: 'short' } }), /:4: admin.token: the admin token must be at least 16/);
    await assert.rejects(fromFile({ admin: { port: 9000, tokn: TOKEN } }), /unknown key \(did you mean "token"\?\)/);
    await assert.rejects(fromFile({ admin: { token: TOKEN } }), /missing required key "port"/);
    // The library entry point holds the same line.
    const server = new FtpServer({ authenticate: () => ({ fs: new MemoryFileSystem() }) });
    for (const token of ['short', '', `${TOKEN} x`, undefined as unknown as string]) {
      await assert.rejects(serveAdmin(server, { host: '127.0.0.1', port: 0, token }), TypeError);
    }
  });
});

describe('ftpkit --admin-port (the built program)', () => {
  it('prints the dashboard address, serves the API with the token from a file, and logs a kick', async (t) => {
    const tokenFile = join(dir, 'program-token');
    await writeFile(tokenFile, `${TOKEN}\n`);
    const cli = await startCli(['--port', '0', '--user', 'bob:pw', '--admin-port', '0', '--admin-token-file', tokenFile, '--log-level', 'warn']);
    t.after(() => cli.stop());
    const m = /admin dashboard on (http:\/\/127\.0\.0\.1:\d+\/) \(API under http:\/\/127\.0\.0\.1:\d+\/api\/\)/.exec(cli.output());
    assert.ok(m, cli.output());
    const auth = { authorization: `Bearer ${TOKEN}` };
    assert.equal((await fetch(`${m[1]}api/sessions`)).status, 401);
    const { client } = await RawClient.connect(cli.port);
    await client.login('bob', 'pw');
    const sessions = (await (await fetch(`${m[1]}api/sessions`, { headers: auth })).json()) as { id: string; user: string }[];
    assert.deepEqual(sessions.map((s) => s.user), ['bob']);
    assert.equal((await fetch(`${m[1]}api/sessions/${sessions[0]!.id}`, { method: 'DELETE', headers: auth })).status, 204);
    assert.equal((await client.read()).code, 421);
    await waitUntil(() => cli.errors().includes('admin closed a session'));
    assert.match(cli.errors(), /"user":"bob"/);
    assert.equal(await cli.stop(), 0);
  });
});
