/**
 * The README's hook snippets form one program: extract them, type-check them, run them
 * and drive the server they start with a real client.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { RawClient } from '../support/raw-client.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Inside the repository so that '@ftpkit/core' resolves through node_modules; .mts for ESM.
const dir = join(root, 'node_modules', '.cache', 'ftpkit-readme');

function hooksSnippets(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Hooks'));
  const end = section.indexOf('\n## ', 3);
  const blocks = [...(end === -1 ? section : section.slice(0, end)).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(blocks.length >= 5, 'the Hooks section has its snippets');
  return `${blocks.join('\n')}\nexport {};\n`;
}

describe('README hooks snippets', () => {
  let child: ChildProcess;
  let port: number;
  let stdout = '';

  before(async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'hooks.mts'), hooksSnippets());
    child = spawn(process.execPath, ['--conditions=@ftpkit/source', '--import', 'tsx', join(dir, 'hooks.mts')], {
      cwd: root,
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no port announced: ${stdout}`)), 15_000);
      child.stdout!.on('data', () => {
        const m = /listening on ftp:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`snippet program exited with ${code}`));
      });
    });
  });
  after(() => {
    child.kill();
  });

  it('type-checks', () => {
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: join(root, 'tsconfig.base.json'), compilerOptions: { noEmit: true }, files: ['hooks.mts'] }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const run = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });

  it('refuses by address, picks the banner and screens USER', async () => {
    const refused = await RawClient.connect(port, '127.0.0.1', '127.0.0.2');
    assert.equal(refused.banner.text, '421 Not from there.');
    refused.client.close();
    const { client, banner } = await RawClient.connect(port);
    try {
      assert.equal(banner.text, '220 Drop box ready.');
      assert.equal((await client.send('USER root')).text, '530 No root logins.');
      assert.equal((await client.send('USER admin')).code, 530);
      await client.send('USER alice');
      assert.equal((await client.send('PASS wrong')).text, '530 Login incorrect.');
    } finally {
      client.close();
    }
  });

  it('runs the middleware, custom commands and transfer hooks', async () => {
    const { client } = await RawClient.connect(port);
    try {
      await client.login('alice', 'secret');
      assert.equal((await client.send('PWD')).text, '257 "/incoming" is the current directory.');
      assert.equal((await client.send('XWHO')).text, '200 You are alice.');
      assert.equal((await client.send('SITE TEAM')).text, '200 Team: ops.');
      await client.send('CWD /');
      assert.equal((await client.send('CWD ~')).code, 250);
      assert.equal((await client.send('PWD')).text, '257 "/incoming" is the current directory.');
      await client.send('TYPE I');

      let data = await client.passive();
      assert.equal((await client.send('STOR /drop/a.txt')).code, 150);
      data.end('hello');
      assert.equal((await client.read()).code, 226);
      assert.equal((await client.send('SIZE /incoming/a.txt')).text, '213 5');

      data = await client.passive();
      assert.equal((await client.send('STOR empty.txt')).code, 150);
      data.end();
      assert.equal((await client.read()).text, '550 Empty files are not accepted.');
      assert.equal((await client.send('SIZE empty.txt')).code, 550);

      await client.passive();
      assert.equal((await client.send('STOR x.exe')).text, '553 No executables.');
    } finally {
      client.close();
    }
    const guest = await RawClient.connect(port);
    try {
      await guest.client.login('guest', 'guest');
      assert.equal((await guest.client.send('DELE /incoming/a.txt')).text, '550 Only ops may delete.');
    } finally {
      guest.client.close();
    }
    assert.match(stdout, /\/incoming\/a\.txt: 5 bytes, sha256 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824/);
    assert.match(stdout, /alice logged in from 127\.0\.0\.1/);
    assert.match(stdout, /STOR \/incoming\/a\.txt: completed/);
  });
});
