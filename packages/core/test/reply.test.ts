import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatReply } from '../src/protocol/reply.js';
import { parseCommandLine } from '../src/protocol/command-line.js';

describe('formatReply', () => {
  it('formats a single-line reply', () => {
    assert.equal(formatReply(200, 'NOOP ok.'), '200 NOOP ok.\r\n');
    assert.equal(formatReply(200, ''), '200 \r\n');
  });

  it('formats a multi-line reply with indented continuation lines', () => {
    assert.equal(formatReply(211, ['Features:', 'SIZE', ' MDTM', 'End']), '211-Features:\r\n SIZE\r\n MDTM\r\n211 End\r\n');
    assert.equal(formatReply(214, 'a\nb'), '214-a\r\n214 b\r\n');
  });

  it('keeps a continuation line from looking like a final reply line', () => {
    const wire = formatReply(213, ['Status:', '226 forged', 'End']);
    assert.equal(wire, '213-Status:\r\n 226 forged\r\n213 End\r\n');
  });

  it('never lets CR, LF or NUL inside a text forge another reply', () => {
    const wire = formatReply(550, 'no such file: x\r\n230 Login successful.\0');
    const lines = wire.split('\r\n').filter(Boolean);
    assert.deepEqual(lines, ['550-no such file: x', '550 230 Login successful.']);
    assert.ok(!wire.includes('\0'));
    assert.ok(!/\r(?!\n)/.test(wire));
    // Every line is either "550-", " ..." or the final "550 ".
    for (const line of lines) assert.match(line, /^550[- ]/);
  });
});

describe('parseCommandLine', () => {
  it('upper-cases the verb and keeps the argument verbatim', () => {
    assert.deepEqual(parseCommandLine('retr  -a "b c".txt '), { verb: 'RETR', arg: ' -a "b c".txt ' });
    assert.deepEqual(parseCommandLine('noop'), { verb: 'NOOP', arg: '' });
  });
});
