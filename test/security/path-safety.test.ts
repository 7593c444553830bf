/**
 * The path-safety corpus against the memory and local backends: every traversal and
 * injection attempt stays inside the root, the adapter only ever sees normalised
 * virtual paths, files outside the root are never read or written, nothing crashes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import type { FileSystem } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { LocalFileSystem } from '@ftpkit/fs-local';
import { startTestServer } from '../support/server.js';
import { MARKER, PATH_VERBS, SECRET_CONTENT, SECRET_NAME, attack, pathCorpus, type Attempt } from './path-corpus.js';

/** Wraps a file system so that every path it is handed is checked and recorded. */
function recording(fs: FileSystem): { fs: FileSystem; paths: string[] } {
  const paths: string[] = [];
  const checked = new Set(['stat', 'list', 'read', 'write', 'mkdir', 'rmdir', 'remove', 'rename', 'setTimes', 'chmod', 'hash']);
  const proxy = new Proxy(fs, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || !checked.has(String(key))) return value;
      return (...args: unknown[]) => {
        const count = key === 'rename' ? 2 : 1;
        for (const arg of args.slice(0, count)) paths.push(String(arg));
        return value.apply(target, args);
      };
    },
  });
  return { fs: proxy, paths };
}

function assertNormalised(paths: readonly string[]): void {
  assert.ok(paths.length > 500, `adapter saw ${paths.length} paths`);
  for (const path of paths) {
    assert.ok(path.startsWith('/'), `absolute: ${JSON.stringify(path)}`);
    assert.ok(path === '/' || !path.endsWith('/'), `no trailing slash: ${JSON.stringify(path)}`);
    assert.ok(!/[\\\0\r\n]/.test(path), `no backslash, NUL, CR, LF: ${JSON.stringify(path)}`);
    assert.ok(!path.split('/').some((seg, i) => i > 0 && (seg === '' || seg === '.' || seg === '..')) || path === '/', `normalised: ${JSON.stringify(path)}`);
    assert.ok(path.length <= 4096);
  }
}

function assertNothingLeaked(attempts: readonly Attempt[]): void {
  assert.ok(attempts.length >= 50 * PATH_VERBS.length);
  for (const a of attempts) {
    const where = `${a.verb} ${JSON.stringify(a.path.slice(0, 80))}`;
    assert.ok(a.replies.length > 0, `${where}: answered`);
    for (const r of a.replies) assert.ok(r.code >= 100 && r.code < 600, `${where}: reply ${r.code}`);
    const seen = a.data + a.replies.map((r) => r.text).join('\n');
    assert.ok(!seen.includes('TOP SECRET'), `${where}: secret content leaked`);
    assert.ok(!seen.includes('root:x:0:0'), `${where}: /etc/passwd leaked`);
    assert.ok(!a.replies.some((r) => r.code === 213 && r.text.trim() === `213 ${SECRET_CONTENT.length}`), `${where}: secret size`);
    if (a.pwd !== undefined) assert.match(a.pwd, /^257 "\/[^"]*"/, `${where}: PWD ${a.pwd}`);
    if (a.pwd !== undefined) assert.ok(!/(^|\/)\.\.(\/|")/.test(a.pwd), `${where}: PWD ${a.pwd}`);
  }
}

test('memory backend: every attempt stays a normalised virtual path; nothing crashes', async (t) => {
  const memory = new MemoryFileSystem({ files: { '/inside.txt': 'inside', '/sub/file.txt': 'sub' } });
  const { fs, paths } = recording(memory);
  const { server, port, close } = await startTestServer({ fs });
  try {
    const corpus = pathCorpus('/tmp/ftpkit-outside');
    assert.ok(corpus.length >= 50);
    const attempts = await attack(port, corpus);
    t.diagnostic(`${corpus.length} paths × ${PATH_VERBS.length} verbs = ${attempts.length} attempts, ${paths.length} adapter calls`);
    assertNothingLeaked(attempts);
    assertNormalised(paths);
    assert.equal(server.sessions.size <= 1, true);
  } finally {
    await close();
  }
});

/** Every entry under `dir` except `skip`, with its mtime and a digest of its content. */
function snapshot(dir: string, skip: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (full === skip) continue;
      const st = statSync(full, { throwIfNoEntry: false });
      const rel = relative(dir, full);
      if (!st) out.set(rel, 'dangling');
      else if (st.isDirectory()) {
        out.set(rel, `dir ${st.mtimeMs}`);
        walk(full);
      } else out.set(rel, `${st.mtimeMs} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
    }
  };
  walk(dir);
  return out;
}

test('local backend: files planted outside the root are never read, written or listed', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'ftpkit-paths-'));
  after(() => rmSync(base, { recursive: true, force: true }));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'inside.txt'), 'inside');
  writeFileSync(join(outside, SECRET_NAME), SECRET_CONTENT);
  writeFileSync(join(base, SECRET_NAME), SECRET_CONTENT);
  symlinkSync(outside, join(root, 'link')); // a host mistake the jail must contain
  const before = snapshot(base, root);

  const { fs, paths } = recording(new LocalFileSystem({ root, fsync: false }));
  const { port, close } = await startTestServer({ fs });
  try {
    const attempts = await attack(port, pathCorpus(outside));
    t.diagnostic(`${attempts.length} attempts, ${paths.length} adapter calls`);
    assertNothingLeaked(attempts);
    assertNormalised(paths);
  } finally {
    await close();
  }
  // Outside the root: the same entries, unmodified.
  assert.deepEqual(snapshot(base, root), before);
  // The uploads that did succeed all landed inside the root.
  const inside = snapshot(root, '');
  const marker = createHash('sha256').update(MARKER).digest('hex');
  assert.ok([...inside.values()].filter((v) => v.endsWith(marker)).length > 10, 'uploads landed inside');
});
