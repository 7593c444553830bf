// The dashboard page in Debian's headless chromium, driven by playwright-core (no
// browser download): it must render the live session of a logged-in client with its
// running transfer, kick a session, and add and lift a ban.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { chromium, type Browser, type Page } from 'playwright-core';
import { skipUnless } from '../../../test/support/process.js';
import { RawClient } from '../../../test/support/raw-client.js';
import { parseCommandLine, type Flags } from '../src/args.js';
import { resolveConfig } from '../src/config/resolve.js';
import { startFromConfig, type Running } from '../src/main.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'dashboard-token-0123456789abcdef';
const WAIT = { timeout: 15_000 };

describe('the admin dashboard in headless chromium', { skip: skipUnless(CHROMIUM) }, () => {
  let running: Running;
  let browser: Browser;
  let ftp: Client;
  let upload: Promise<unknown>;
  const source = new Readable({ read() {} });
  const problems: string[] = [];

  const open = async (fragment: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/401/.test(msg.text())) problems.push(`console: ${msg.text()}`);
    });
    await page.goto(`${running.adminUrl}${fragment}`);
    return page;
  };

  before(async () => {
    const flags = parseCommandLine(['--port', '0', '--user', 'alice:secret', '--admin-port', '0', '--admin-token', TOKEN, '--log-level', 'silent']);
    running = await startFromConfig(resolveConfig(flags as Flags, undefined, { env: {} }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 30_000 });
    // A logged-in client in /incoming with an upload that sent 300 KiB and is waiting for more.
    ftp = new Client(0); // no idle timeout: the upload waits for the whole file
    await ftp.access({ host: '127.0.0.1', port: running.address.port, user: 'alice', password: 'secret' });
    await ftp.ensureDir('/incoming');
    source.push(Buffer.alloc(300 * 1024, 1));
    upload = ftp.uploadFrom(source, 'scan-0001.pdf').catch((err: Error) => err);
  });
  after(async () => {
    source.push(null);
    await upload;
    ftp?.close();
    await browser?.close();
    await running?.close(1000);
  });

  it('renders the live session and its upload (token from #token=…), with a screenshot', async (t) => {
    const page = await open(`#token=${TOKEN}`);
    const row = page.locator('tr[data-session]', { hasText: 'alice' });
    await row.waitFor(WAIT);
    await page.waitForFunction("document.querySelector('#sessions').textContent.includes('300 KiB')", undefined, WAIT);
    const text = await row.innerText();
    assert.match(text, /alice/);
    assert.match(text, new RegExp(`127\\.0\\.0\\.1:${ftp.ftp.socket.localPort}`));
    assert.match(text, /\/incoming/);
    assert.match(text, /STOR \/incoming\/scan-0001\.pdf/);
    assert.match(text, /300 KiB/);
    assert.match(text, /plain/);
    assert.equal(await page.locator('#n-sessions').innerText(), '1');
    assert.equal(await page.locator('#n-transfers').innerText(), '1');
    assert.equal(await page.evaluate('location.hash'), '', 'the token stays in the address bar');
    // Two samples make a line: the chart draws after two seconds.
    await page.locator('#chart-svg polyline.line-in').waitFor({ state: 'attached', ...WAIT });
    const dir = await mkdtemp(join(tmpdir(), 'ftpkit-dashboard-'));
    const file = join(dir, 'dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    assert.ok((await stat(file)).size > 10_000);
    t.diagnostic(`screenshot: ${file}`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('shows client-chosen names as text, and kicks a session: its client gets 421 and the row goes', async () => {
    const { client } = await RawClient.connect(running.address.port);
    await client.login('alice', 'secret');
    const hostile = '<img src=x onerror="window.pwned=1">';
    assert.equal((await client.send(`MKD /${hostile}`)).code, 257);
    assert.equal((await client.send(`CWD /${hostile}`)).code, 250);
    const page = await open(`#token=${TOKEN}`);
    const row = page.locator('tr[data-session]', { hasText: `127.0.0.1:${client.socket.localPort}` });
    await row.waitFor(WAIT);
    assert.match(await row.innerText(), new RegExp(`/${hostile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.equal(await page.locator('#sessions img').count(), 0);
    assert.equal(await page.evaluate('window.pwned'), undefined);
    await row.locator('button.kick').click();
    const reply = await client.read(10_000);
    assert.equal(reply.code, 421);
    if (!client.closed) await once(client.socket, 'close');
    await row.waitFor({ state: 'detached', ...WAIT });
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('takes the token from its form, bans an address and lifts the ban', async () => {
    const page = await open('');
    await page.locator('#login').waitFor(WAIT);
    await page.fill('#token', 'not-the-token-at-all');
    await page.click('#login-form button');
    await page.waitForFunction("/refused/.test(document.querySelector('#login-error').textContent)", undefined, WAIT);
    await page.fill('#token', TOKEN);
    await page.click('#login-form button');
    await page.locator('tr[data-session]', { hasText: 'alice' }).first().waitFor(WAIT);

    await page.fill('#ban-address', '127.0.0.2');
    await page.fill('#ban-minutes', '5');
    await page.click('#ban-form button');
    const ban = page.locator('tr[data-ban="127.0.0.2"]');
    await ban.waitFor(WAIT);
    assert.equal((await RawClient.connect(running.address.port, '127.0.0.1', '127.0.0.2')).banner.code, 421);
    await ban.locator('button').click();
    await ban.waitFor({ state: 'detached', ...WAIT });
    const admitted = await RawClient.connect(running.address.port, '127.0.0.1', '127.0.0.2');
    assert.equal(admitted.banner.code, 220);
    admitted.client.socket.destroy();
    assert.deepEqual(problems, []);
    await page.close();
  });
});
