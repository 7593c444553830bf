import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPasvTuple, normalizeAddress, parseEprtArgument, parsePortArgument } from '../src/security/address.js';

describe('PORT and EPRT arguments', () => {
  it('parses PORT h1,h2,h3,h4,p1,p2', () => {
    assert.deepEqual(parsePortArgument('127,0,0,1,4,1'), { host: '127.0.0.1', port: 1025 });
    assert.deepEqual(parsePortArgument(' 10,0,0,2,255,255 '), { host: '10.0.0.2', port: 65535 });
  });

  it('rejects malformed PORT arguments', () => {
    for (const bad of ['', '127,0,0,1,4', '127,0,0,1,4,1,1', '256,0,0,1,4,1', '127,0,0,1,4,256', 'a,b,c,d,e,f', '127,0,0,-1,4,1', '127.0.0.1,4,1']) {
      assert.equal(parsePortArgument(bad), undefined, bad);
    }
  });

  it('parses EPRT for IPv4 and IPv6, with any delimiter', () => {
    assert.deepEqual(parseEprtArgument('|1|127.0.0.1|2000|'), { host: '127.0.0.1', port: 2000 });
    assert.deepEqual(parseEprtArgument('!2!::1!2001!'), { host: '::1', port: 2001 });
    assert.deepEqual(parseEprtArgument('|2|::FFFF:127.0.0.1|2002|'), { host: '127.0.0.1', port: 2002 });
  });

  it('rejects malformed EPRT arguments', () => {
    for (const bad of ['', '|1|127.0.0.1|', '|1|127.0.0.1|0|', '|1|127.0.0.1|65536|', '|3|127.0.0.1|2000|', '|1|::1|2000|', '|2|127.0.0.1|2000|', '|1|localhost|2000|', '|1|127.0.0.1|2000', ' 1 127.0.0.1 2000 ']) {
      assert.equal(parseEprtArgument(bad), undefined, bad);
    }
  });

  it('formats the PASV tuple and unwraps IPv4-mapped addresses', () => {
    assert.equal(formatPasvTuple('127.0.0.1', 1025), '127,0,0,1,4,1');
    assert.equal(normalizeAddress('::ffff:127.0.0.2'), '127.0.0.2');
    assert.equal(normalizeAddress('::1'), '::1');
    assert.equal(normalizeAddress(undefined), '');
  });
});
