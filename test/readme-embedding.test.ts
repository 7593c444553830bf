// The README's embedding snippet is run as written (only the port changed to 0) and
// served files are fetched from it, so the documentation cannot drift from the API.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from 'basic-ftp';

const root = fileURLToPath(new URL('..', import.meta.url));

function snippetAfter(heading: string): string {
  const readme = readFileSync(`${root}/README.md`, 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(m, `no ts block after ${heading}`);
  return m[1]!;
}

describe('README', () => {
  it('the embedding snippet runs and serves files', async () => {
    const code = snippetAfter('## Embedding').replace('port: 2121', 'port: 0');
    const file = `${root}/test/.readme-embedding.tmp.ts`;
    writeFileSync(file, code);
    const child = spawn(process.execPath, ['--conditions=@ftpkit/source', '--import', 'tsx', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const client = new Client();
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', (c: string) => {
          out += c;
          const m = /FTP server on port (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.once('exit', (code) => reject(new Error(`snippet exited with ${code}`)));
      });
      await client.access({ host: '127.0.0.1', port, user: 'alice', password: 'secret' });
      const chunks: Buffer[] = [];
      await client.downloadTo(new Writable({ write: (c, _e, cb) => (chunks.push(c), cb()) }), 'hello.txt');
      assert.equal(Buffer.concat(chunks).toString(), 'Hello over FTP\n');
      await assert.rejects(new Client().access({ host: '127.0.0.1', port, user: 'alice', password: 'wrong' }), /530/);
      // The transfer-end listener printed an honest outcome.
      await new Promise((r) => setTimeout(r, 50));
      assert.match(out, /RETR \/hello\.txt completed 15/);
    } finally {
      client.close();
      child.kill();
      await once(child, 'exit').catch(() => {});
      rmSync(file, { force: true });
    }
  });
});
