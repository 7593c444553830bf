import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FULL_ACCESS, NO_ACCESS, PathRules, READ_ONLY, WRITE_ONLY } from '@ftpkit/core';

describe('PathRules', () => {
  const rules = new PathRules([
    { path: '/incoming', permissions: WRITE_ONLY },
    { path: '/outgoing', permissions: READ_ONLY },
    { path: '/outgoing/drop', permissions: { write: true } },
    { path: '/**/*.exe', permissions: NO_ACCESS },
    { path: '/home/*/public', permissions: { list: true, read: true, write: false } },
    { path: '/home/*', permissions: { delete: false } },
  ]);

  it('applies a rule to the path and everything below it', () => {
    assert.deepEqual(rules.resolve('/incoming', FULL_ACCESS), WRITE_ONLY);
    assert.deepEqual(rules.resolve('/incoming/a/b.txt', FULL_ACCESS), WRITE_ONLY);
    assert.deepEqual(rules.resolve('/incomingx', FULL_ACCESS), FULL_ACCESS);
    assert.deepEqual(rules.resolve('/', READ_ONLY), READ_ONLY);
  });

  it('lets the deeper rule override the flags it names and inherit the rest', () => {
    const drop = rules.resolve('/outgoing/drop/file', FULL_ACCESS);
    assert.equal(drop.write, true);
    assert.equal(drop.read, true);
    assert.equal(drop.delete, false);
  });

  it('matches globs per segment, with ** spanning segments', () => {
    assert.deepEqual(rules.resolve('/incoming/setup.exe', FULL_ACCESS), NO_ACCESS);
    assert.deepEqual(rules.resolve('/a/b/c/tool.exe', FULL_ACCESS), NO_ACCESS);
    const pub = rules.resolve('/home/ann/public/x', FULL_ACCESS);
    assert.equal(pub.write, false);
    assert.equal(pub.delete, false, 'inherited from /home/*');
    assert.equal(rules.resolve('/home/ann/private', FULL_ACCESS).write, true);
    assert.equal(rules.resolve('/home/ann/deep/er/public', FULL_ACCESS).write, true, '* stays within one segment');
  });

  it('prefers an exact path over a glob at the same depth', () => {
    const r = new PathRules([
      { path: '/data/special', permissions: { read: true } },
      { path: '/data/*', permissions: { read: false } },
    ]);
    assert.equal(r.resolve('/data/special', FULL_ACCESS).read, true);
    assert.equal(r.resolve('/data/other', FULL_ACCESS).read, false);
  });

  it('computes the ceiling of what any rule grants', () => {
    const ceiling = new PathRules([{ path: '/incoming', permissions: WRITE_ONLY }]).ceiling(READ_ONLY);
    assert.equal(ceiling.write, true);
    assert.equal(ceiling.read, true);
    assert.equal(ceiling.delete, false);
  });

  it('refuses rule paths that are not absolute', () => {
    assert.throws(() => new PathRules([{ path: 'incoming', permissions: {} }]), /must start with/);
  });
});
