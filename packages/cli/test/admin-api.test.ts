import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { RawClient } from '../../../test/support/raw-client.js';
import { parseCommandLine, type Flags } from '../src/args.js';
import { resolveConfig } from '../src/config/resolve.js';
import { startFromConfig, type Running } from '../src/main.js';

const TOKEN = 'test-admin-token-0123456789abcdef';

describe('the admin API over HTTP', () => {
  let running: Running;
  let base: string;
  let ftpPort: number;
  const call = (method: string, path: string, options: { body?: string; token?: string | null; headers?: Record<string, string> } = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(options.token === null ? {} : { authorization: `Bearer ${options.token ?? TOKEN}` }),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
  // `any`: the answers are checked field by field.
  const json = async (res: Response): Promise<{ status: number; body: any }> => ({ status: res.status, body: res.status === 204 ? null : await res.json() });
  const login = async () => {
    const client = new Client(5000);
    await client.access({ host: '127.0.0.1', port: ftpPort, user: 'alice', password: 'secret' });
    return client;
  };

  before(async () => {
    const flags = parseCommandLine(['--port', '0', '--user', 'alice:secret', '--admin-port', '0', '--admin-token', TOKEN, '--log-level', 'silent']) as Flags;
    running = await startFromConfig(resolveConfig(flags, undefined, { env: {} }));
    base = running.adminUrl!.replace(/\/$/, '');
    ftpPort = running.address.port;
  });
  after(() => running.close(1000));

  it('answers 401 without the right Bearer token, and serves the dashboard without one', async () => {
    for (const token of [null, '', 'wrong', `${TOKEN}x`, TOKEN.slice(0, -1)]) {
      const res = await call('GET', '/api/sessions', { token });
      assert.equal(res.status, 401, `token ${JSON.stringify(token)}`);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.match(((await res.json()) as { error: string }).error, /token/);
    }
    assert.equal((await call('GET', '/api/sessions', { token: null, headers: { authorization: `Basic ${TOKEN}` } })).status, 401);
    assert.equal((await call('GET', '/api/no-such-route', { token: 'wrong' })).status, 401); // routes are not revealed
    assert.equal((await call('GET', '/api/sessions')).status, 200);
    const page = await call('GET', '/', { token: null });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'sha256-/);
    assert.match(await page.text(), /<title>ftpkit admin<\/title>/);
  });

  it('lists a logged-in basic-ftp session with its user, address and directory', async (t) => {
    const client = await login();
    t.after(() => client.close());
    await client.ensureDir('/reports');
    const { status, body } = await json(await call('GET', '/api/sessions'));
    assert.equal(status, 200);
    assert.ok(Array.isArray(body));
    const mine = body.find((s: { user: string }) => s.user === 'alice');
    assert.ok(mine, JSON.stringify(body));
    assert.equal(mine.address, '127.0.0.1');
    assert.equal(mine.port, client.ftp.socket.localPort);
    assert.equal(mine.cwd, '/reports');
    assert.equal(mine.secure, false);
    assert.equal(mine.transfer, null);
    assert.ok(Math.abs(Date.parse(mine.connectedAt) - Date.now()) < 10_000);
    const one = await json(await call('GET', `/api/sessions/${mine.id}`));
    assert.equal(one.status, 200);
    assert.equal(one.body.id, mine.id);
  });

  it('shows a running upload with its bytes, and counts it in the throughput', async (t) => {
    const client = await login();
    t.after(() => client.close());
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(200_000, 1));
    const upload = client.uploadFrom(source, 'live.bin');
    let transfer: { command: string; path: string; direction: string; bytes: number; rate: number } | null = null;
    for (let i = 0; i < 100 && !(transfer && transfer.bytes === 200_000); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const { body } = await json(await call('GET', '/api/sessions'));
      transfer = body.find((s: { user: string; transfer: unknown }) => s.user === 'alice' && s.transfer)?.transfer ?? null;
    }
    assert.ok(transfer, 'the upload never showed');
    assert.deepEqual([transfer.command, transfer.path, transfer.direction, transfer.bytes], ['STOR', '/live.bin', 'upload', 200_000]);
    assert.ok(transfer.rate > 0);
    source.push(null);
    await upload;
    let downloaded = 0;
    await client.downloadTo(new Writable({ write: (chunk: Buffer, _e, done) => ((downloaded += chunk.length), done()) }), 'live.bin');
    assert.equal(downloaded, 200_000);
    // The next one-second sample includes the last bytes, each counted once.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const { body } = await json(await call('GET', '/api/throughput'));
    assert.equal(body.intervalMs, 1000);
    const total = (key: 'in' | 'out') => body.samples.reduce((sum: number, s: Record<string, number>) => sum + s[key]!, 0);
    assert.equal(total('in'), 200_000);
    assert.equal(total('out'), 200_000);
  });

  it('kicks a session: the client gets 421 and its connection closes', async () => {
    const { client } = await RawClient.connect(ftpPort);
    await client.login('alice', 'secret');
    const { body } = await json(await call('GET', '/api/sessions'));
    const port = client.socket.localPort;
    const target = body.find((s: { port: number }) => s.port === port);
    assert.ok(target);
    const res = await call('DELETE', `/api/sessions/${target.id}`);
    assert.equal(res.status, 204);
    const reply = await client.read();
    assert.equal(reply.code, 421);
    assert.match(reply.text, /administrator/);
    if (!client.closed) await once(client.socket, 'close');
    const after = await json(await call('GET', '/api/sessions'));
    assert.equal(after.body.some((s: { id: string }) => s.id === target.id), false);
    assert.equal((await call('DELETE', `/api/sessions/${target.id}`)).status, 404);
  });

  it('adds, lists and lifts bans; a banned address is refused at connect', async () => {
    const added = await json(await call('POST', '/api/bans', { body: JSON.stringify({ address: '127.0.0.2', duration: 600 }) }));
    assert.equal(added.status, 201);
    assert.equal(added.body.address, '127.0.0.2');
    assert.ok(Math.abs(Date.parse(added.body.until) - Date.now() - 600_000) < 10_000);
    const listed = await json(await call('GET', '/api/bans'));
    assert.deepEqual(listed.body.map((b: { address: string }) => b.address), ['127.0.0.2']);
    const refused = await RawClient.connect(ftpPort, '127.0.0.1', '127.0.0.2');
    assert.equal(refused.banner.code, 421);
    const other = await RawClient.connect(ftpPort, '127.0.0.1', '127.0.0.3');
    assert.equal(other.banner.code, 220);
    other.client.socket.destroy();
    assert.equal((await call('DELETE', '/api/bans/127.0.0.2')).status, 204);
    assert.deepEqual((await json(await call('GET', '/api/bans'))).body, []);
    const admitted = await RawClient.connect(ftpPort, '127.0.0.1', '127.0.0.2');
    assert.equal(admitted.banner.code, 220);
    admitted.client.socket.destroy();
    assert.equal((await call('DELETE', '/api/bans/127.0.0.2')).status, 404);
    // The body form of DELETE, and the default duration (the defender's 15 minutes).
    const plain = await json(await call('POST', '/api/bans', { body: '{"address":"::ffff:127.0.0.4"}' }));
    assert.equal(plain.body.address, '127.0.0.4');
    assert.ok(Math.abs(Date.parse(plain.body.until) - Date.now() - 15 * 60_000) < 10_000);
    assert.equal((await call('DELETE', '/api/bans', { body: '{"address":"127.0.0.4"}' })).status, 204);
  });

  it('answers bad input with 4xx and keeps serving', async () => {
    const cases: [string, string, string | undefined, number][] = [
      ['GET', '/api/sessions/00000000-0000-0000-0000-000000000000', undefined, 404],
      ['DELETE', '/api/sessions/no-such-id', undefined, 404],
      ['DELETE', '/api/sessions/%E0%A4%A', undefined, 400],
      ['POST', '/api/bans', '{"address": "127.0.0.9",', 400],
      ['POST', '/api/bans', '', 400],
      ['POST', '/api/bans', '[1, 2]', 400],
      ['POST', '/api/bans', 'null', 400],
      ['POST', '/api/bans', '{"address": "not-an-ip"}', 400],
      ['POST', '/api/bans', '{"address": 7}', 400],
      ['POST', '/api/bans', '{"address": "127.0.0.9", "duration": -5}', 400],
      ['POST', '/api/bans', '{"address": "127.0.0.9", "duration": "1h"}', 400],
      ['POST', '/api/bans', '{"address": "127.0.0.9", "duration": 1e300}', 400],
      ['DELETE', '/api/bans', '{}', 400],
      ['POST', '/api/sessions', '{}', 405],
      ['PUT', '/api/bans', '{}', 405],
      ['GET', '/api/sessions/a/b', undefined, 404],
      ['GET', '/api/', undefined, 404],
      ['GET', '/nothing-here', undefined, 404],
      ['POST', '/', '{}', 405],
    ];
    for (const [method, path, body, expected] of cases) {
      const res = await call(method, path, body === undefined ? {} : { body });
      assert.equal(res.status, expected, `${method} ${path} ${body ?? ''}`);
      if (res.status !== 204) assert.equal(typeof ((await res.json()) as { error: unknown }).error, 'string');
    }
    assert.equal((await call('POST', '/api/sessions', { body: '{}' })).headers.get('allow'), 'GET');
    assert.deepEqual((await json(await call('GET', '/api/bans'))).body, []);
  });

  it('answers 413 to an oversized body, declared or streamed, and keeps serving', async () => {
    const big = JSON.stringify({ address: '127.0.0.9', padding: 'x'.repeat(100_000) });
    assert.equal((await call('POST', '/api/bans', { body: big })).status, 413);
    // Without a Content-Length: the limit is found while reading.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/api/bans`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write('x'.repeat(4096));
      req.end();
    });
    assert.equal(status, 413);
    // A client that hangs up halfway through its body.
    const half = request(`${base}/api/bans`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-length': '1000' } });
    half.on('error', () => {});
    half.write('{"address": "127.0.0.9"');
    await new Promise((resolve) => setTimeout(resolve, 100));
    half.destroy();
    assert.deepEqual((await json(await call('GET', '/api/bans'))).body, []);
    const client = await login();
    assert.equal((await client.pwd()), '/');
    client.close();
  });
});
