import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FsError } from '../src/fs/errors.js';
import { baseName, joinPath, parentPath, quotePath, resolvePath } from '../src/fs/paths.js';

describe('resolvePath', () => {
  it('resolves relative and absolute paths', () => {
    assert.equal(resolvePath('/a/b', 'c.txt'), '/a/b/c.txt');
    assert.equal(resolvePath('/a/b', '/x//y/./z/'), '/x/y/z');
    assert.equal(resolvePath('/a/b', ''), '/a/b');
    assert.equal(resolvePath('/a/b', '.'), '/a/b');
    assert.equal(resolvePath('/a/b', '..'), '/a');
  });

  it('clamps .. at the root', () => {
    assert.equal(resolvePath('/', '../../..'), '/');
    assert.equal(resolvePath('/a', '../../../etc/passwd'), '/etc/passwd');
    assert.equal(resolvePath('/a', '/../../b'), '/b');
  });

  it('treats backslashes as separators, so ..\\.. cannot climb either', () => {
    assert.equal(resolvePath('/a/b', '..\\..\\..\\c'), '/c');
    assert.equal(resolvePath('/a', '\\x\\y'), '/x/y');
  });

  it('keeps spaces, quotes, dashes and unicode', () => {
    assert.equal(resolvePath('/', ' lead "q" -dash 日本.txt'), '/ lead "q" -dash 日本.txt');
  });

  it('rejects NUL, CR, LF and over-long paths with InvalidName', () => {
    for (const bad of ['a\0b', 'a\rb', 'a\nb', 'x'.repeat(5000)]) {
      assert.throws(() => resolvePath('/', bad), (err) => err instanceof FsError && err.code === 'InvalidName');
    }
  });
});

describe('path helpers', () => {
  it('parentPath, baseName, joinPath, quotePath', () => {
    assert.equal(parentPath('/a/b'), '/a');
    assert.equal(parentPath('/a'), '/');
    assert.equal(parentPath('/'), '/');
    assert.equal(baseName('/a/b.txt'), 'b.txt');
    assert.equal(baseName('/'), '/');
    assert.equal(joinPath('/', 'x'), '/x');
    assert.equal(joinPath('/a', 'x'), '/a/x');
    assert.equal(quotePath('/say "hi"'), '"/say ""hi"""');
  });
});
