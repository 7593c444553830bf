import assert from 'node:assert/strict';
import { Readable, type Transform } from 'node:stream';
import { describe, it } from 'node:test';
import { fromNetworkAscii, toNetworkAscii } from '../src/data/ascii.js';

async function run(transform: Transform, chunks: string[]): Promise<string> {
  const out: Buffer[] = [];
  const source = Readable.from(chunks.map((c) => Buffer.from(c, 'latin1')));
  for await (const chunk of source.pipe(transform)) out.push(chunk as Buffer);
  return Buffer.concat(out).toString('latin1');
}

/** Every way of cutting `text` into two chunks. */
function splits(text: string): string[][] {
  return Array.from({ length: text.length + 1 }, (_, i) => [text.slice(0, i), text.slice(i)]);
}

describe('TYPE A conversion', () => {
  it('file to wire: LF becomes CRLF, an existing CRLF stays, wherever the chunks split', async () => {
    const file = 'a\nb\r\nc\n\nd\re';
    for (const chunks of splits(file)) {
      assert.equal(await run(toNetworkAscii(), chunks), 'a\r\nb\r\nc\r\n\r\nd\re', JSON.stringify(chunks));
    }
  });

  it('wire to file: CRLF becomes LF, a lone CR is kept, wherever the chunks split', async () => {
    const wire = 'a\r\nb\rc\r\n\r\nd\r';
    for (const chunks of splits(wire)) {
      assert.equal(await run(fromNetworkAscii(), chunks), 'a\nb\rc\n\nd\r', JSON.stringify(chunks));
    }
  });

  it('wire to file: a CR at a chunk end followed by an empty chunk is not lost or duplicated', async () => {
    assert.equal(await run(fromNetworkAscii(), ['a\r', '', '\nb']), 'a\nb');
  });

  it('round-trips one byte at a time', async () => {
    const file = 'line one\nline two\n\nend';
    const wire = await run(toNetworkAscii(), file.split(''));
    assert.equal(wire, 'line one\r\nline two\r\n\r\nend');
    assert.equal(await run(fromNetworkAscii(), wire.split('')), file);
  });
});
