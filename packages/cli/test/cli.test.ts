import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { run, startCli } from './support.js';

describe('ftpkit program', () => {
  it('serves the demo with the printed login and stops cleanly on SIGTERM', async () => {
    const { child, port, output } = await startCli(['--port', '0']);
    const client = new Client();
    try {
      assert.match(output(), /login: user "demo", password "demo"/);
      await client.access({ host: '127.0.0.1', port, user: 'demo', password: 'demo' });
      const names = (await client.list()).map((f) => f.name).sort();
      assert.deepEqual(names, ['README.txt', 'upload']);
      const chunks: Buffer[] = [];
      await client.downloadTo(new Writable({ write: (c, _e, cb) => (chunks.push(c), cb()) }), 'README.txt');
      assert.match(Buffer.concat(chunks).toString(), /Welcome to ftpkit/);
    } finally {
      client.close();
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  });

  it('makes --read-only users unable to write and accepts --user logins', async () => {
    const { child, port } = await startCli(['--port', '0', '--user', 'alice:s3cret', '--read-only']);
    const client = new Client();
    try {
      await assert.rejects(client.access({ host: '127.0.0.1', port, user: 'demo', password: 'demo' }), /530/);
      await client.access({ host: '127.0.0.1', port, user: 'alice', password: 's3cret' });
      await assert.rejects(client.ensureDir('newdir'), /550/);
    } finally {
      client.close();
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('exits with status 2 and a one-line reason on bad flags', async () => {
    for (const args of [['--port', 'x'], ['--bogus'], ['--user', 'nopassword'], ['--memory', '--root', '/tmp'], ['--passive-ports', '9-1']]) {
      const { code, stderr } = await run(args);
      assert.equal(code, 2, `${args.join(' ')} → ${stderr}`);
      assert.equal(stderr.trim().split('\n').length, 1, stderr);
      assert.match(stderr, /^ftpkit: /);
    }
  });
});

describe('ftpkit --root', () => {
  it('serves a directory: uploads land on disk and downloads come from it', async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { Readable } = await import('node:stream');
    const root = mkdtempSync(join(tmpdir(), 'ftpkit-cli-'));
    writeFileSync(join(root, 'served.txt'), 'from disk\n');
    const { child, port } = await startCli(['--port', '0', '--root', root, '--user', 'bob:pw']);
    const client = new Client();
    try {
      await client.access({ host: '127.0.0.1', port, user: 'bob', password: 'pw' });
      await client.uploadFrom(Readable.from([Buffer.from('uploaded\n')]), 'new.txt');
      assert.equal(readFileSync(join(root, 'new.txt'), 'utf8'), 'uploaded\n');
      const chunks: Buffer[] = [];
      await client.downloadTo(new Writable({ write: (c, _e, cb) => (chunks.push(c), cb()) }), 'served.txt');
      assert.equal(Buffer.concat(chunks).toString(), 'from disk\n');
    } finally {
      client.close();
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('refuses a root that is not a directory', async () => {
    const { code, stderr } = await run(['--root', '/nonexistent/ftpkit-root']);
    assert.equal(code, 2);
    assert.match(stderr, /is not a directory/);
  });
});
