/** Control-connection framing under real network conditions: split, pipelined, long lines, IAC. */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { useServer } from '../support/fixture.js';

describe('framing', () => {
  const t = useServer();

  it('reassembles a command written one byte at a time', async () => {
    const client = await t.connect();
    for (const byte of 'MKD /split dir\r\n') {
      client.write(byte);
      await sleep(1);
    }
    assert.equal((await client.read()).text, '257 "/split dir" created.');
  });

  it('answers several commands sent in one packet, in order', async () => {
    const { client } = await t.connectRaw();
    client.write('USER user\r\nPASS pass\r\nTYPE I\r\nPWD\r\nSYST\r\nBOGUS\r\nNOOP\r\n');
    const codes = [];
    for (let i = 0; i < 7; i++) codes.push((await client.read()).code);
    assert.deepEqual(codes, [331, 230, 200, 257, 215, 500, 200]);
  });

  it('answers a flood of pipelined commands, every one, in order', async () => {
    const client = await t.connect();
    const count = 500;
    client.write(Array.from({ length: count }, (_, i) => (i % 2 ? 'NOOP\r\n' : 'PWD\r\n')).join(''));
    for (let i = 0; i < count; i++) assert.equal((await client.read()).code, i % 2 ? 200 : 257);
  });

  it('accepts bare LF line endings and lower-case verbs', async () => {
    const client = await t.connect();
    client.write('noop\npWd\n');
    assert.equal((await client.read()).code, 200);
    assert.equal((await client.read()).code, 257);
  });

  it('answers a 200 KB line with 500 and keeps serving', async () => {
    const client = await t.connect();
    client.write(`STOR ${'x'.repeat(200 * 1024)}\r\n`);
    assert.equal((await client.read()).code, 500);
    assert.equal((await client.send('PWD')).code, 257);
    assert.equal((await client.send('NOOP')).code, 200);
  });

  it('discards megabytes without a newline, then answers 500 once', async () => {
    const client = await t.connect();
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    for (let i = 0; i < 32; i++) client.write(chunk);
    client.write('\r\nNOOP\r\n');
    assert.equal((await client.read()).code, 500);
    assert.equal((await client.read()).code, 200);
  });

  it('strips Telnet IAC IP / IAC DM sent before ABOR', async () => {
    const client = await t.connect();
    client.write(Buffer.from([0xff, 0xf4, 0xff, 0xf2]));
    client.write('ABOR\r\n');
    assert.equal((await client.read()).code, 225);
  });

  it('answers 500 to an unknown verb and 502 to a known unimplemented one', async () => {
    const client = await t.connect();
    assert.equal((await client.send('XYZZY')).code, 500);
    assert.equal((await client.send('SMNT /')).code, 502);
    assert.equal((await client.send('NOOP')).code, 200);
  });

  it('ignores empty lines', async () => {
    const client = await t.connect();
    client.write('\r\n\r\n\nNOOP\r\n');
    assert.equal((await client.read()).code, 200);
  });
});
