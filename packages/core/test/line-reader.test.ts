import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineReader, type LineEvent } from '../src/protocol/line-reader.js';

/** Feed chunks one after another and collect every event. */
function feed(reader: LineReader, ...chunks: (string | Buffer | number[])[]): LineEvent[] {
  return chunks.flatMap((c) => reader.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string)));
}

describe('LineReader', () => {
  it('joins a command split across chunks, one byte at a time', () => {
    const reader = new LineReader(100);
    const events = feed(reader, ...'RETR a b.txt\r\n'.split(''));
    assert.deepEqual(events, [{ line: 'RETR a b.txt' }]);
  });

  it('splits several pipelined commands in one chunk', () => {
    const events = feed(new LineReader(100), 'USER a\r\nPASS b\r\nPWD\r\nNO');
    assert.deepEqual(events, [{ line: 'USER a' }, { line: 'PASS b' }, { line: 'PWD' }]);
  });

  it('accepts CRLF and bare LF, and a CR split from its LF', () => {
    const reader = new LineReader(100);
    assert.deepEqual(feed(reader, 'NOOP\nSYST\r', '\nPWD\r\n'), [{ line: 'NOOP' }, { line: 'SYST' }, { line: 'PWD' }]);
  });

  it('keeps a CR inside a line', () => {
    assert.deepEqual(feed(new LineReader(100), 'A\rB\r\n'), [{ line: 'A\rB' }]);
  });

  it('decodes UTF-8 split across chunks', () => {
    const bytes = Buffer.from('CWD héllo-日本\r\n');
    const events = feed(new LineReader(100), bytes.subarray(0, 6), bytes.subarray(6, 13), bytes.subarray(13));
    assert.deepEqual(events, [{ line: 'CWD héllo-日本' }]);
  });

  it('removes Telnet IAC sequences (IP, DM, WILL/DO with their option byte)', () => {
    const IAC = 0xff;
    const events = feed(
      new LineReader(100),
      [IAC, 0xf4, IAC, 0xf2], // IAC IP IAC DM, as clients send before ABOR
      'AB',
      [IAC, 0xfb, 0x01], // IAC WILL ECHO
      'OR',
      [IAC],
      [0xfd, 0x03], // IAC DO SUPPRESS-GO-AHEAD split after IAC
      '\r\n',
    );
    assert.deepEqual(events, [{ line: 'ABOR' }]);
  });

  it('turns IAC IAC into one literal 0xff byte', () => {
    const reader = new LineReader(100);
    // "ÿ" is 0xc3 0xbf in UTF-8; IAC IAC contributes a raw 0xff which decodes to U+FFFD.
    const events = feed(reader, [0x41, 0xff, 0xff, 0x42, 0x0a]);
    assert.deepEqual(events, [{ line: 'A\ufffdB' }]);
  });

  it('reports an over-long line once, at its end, then reads normally', () => {
    const reader = new LineReader(16);
    const events = feed(reader, 'X'.repeat(10), 'Y'.repeat(10_000), 'Z\r\n', 'NOOP\r\n');
    assert.deepEqual(events, [{ overflow: true }, { line: 'NOOP' }]);
  });

  it('accepts a line of exactly the maximum length, with or without CR', () => {
    const reader = new LineReader(8);
    assert.deepEqual(feed(reader, '12345678\r\n', '12345678\n', '123456789\n'), [
      { line: '12345678' },
      { line: '12345678' },
      { overflow: true },
    ]);
  });

  it('starts with a small line buffer, grows for a long line, and gives it back', () => {
    const reader = new LineReader(8192);
    const size = () => (reader as unknown as { buffer: Buffer }).buffer.length;
    assert.ok(size() <= 256);
    const long = 'x'.repeat(3000);
    assert.deepEqual(feed(reader, 'STOR ', long.slice(0, 1000), long.slice(1000), '\r\n'), [{ line: `STOR ${long}` }]);
    assert.ok(size() <= 256, `buffer kept at ${size()} bytes`);
    assert.deepEqual(feed(reader, 'NOOP\r\n'), [{ line: 'NOOP' }]);
    assert.ok(size() <= 256);
  });

  it('never buffers endless input beyond the cap', () => {
    const reader = new LineReader(1024);
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    for (let i = 0; i < 64; i++) assert.deepEqual(reader.push(chunk), []);
    // 4 MiB went through; the reader's storage never grew past the cap.
    assert.ok((reader as unknown as { buffer: Buffer }).buffer.length <= 1025);
    assert.deepEqual(feed(reader, '\r\nPWD\r\n'), [{ overflow: true }, { line: 'PWD' }]);
  });
});

describe('LineReader buffer growth', () => {
  it('grows past its initial size and delivers a long line whole', () => {
    const reader = new LineReader(8192);
    const long = `STOR ${'x'.repeat(3000)}`;
    assert.deepEqual(feed(reader, long.slice(0, 1000), `${long.slice(1000)}\r\nNOOP\r\n`), [{ line: long }, { line: 'NOOP' }]);
  });

  it('still applies the cap once grown to it', () => {
    const reader = new LineReader(600);
    assert.deepEqual(feed(reader, `${'a'.repeat(600)}\r\n${'b'.repeat(601)}\r\nQUIT\r\n`), [
      { line: 'a'.repeat(600) },
      { overflow: true },
      { line: 'QUIT' },
    ]);
  });
});
