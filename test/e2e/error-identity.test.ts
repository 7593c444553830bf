/**
 * Errors made by a second copy of @ftpkit/core (npm installs one per version when a host
 * and an adapter disagree) are recognised like the server's own: an adapter's NotFound
 * is 550, not 451; a host's ReplyError keeps its code; an AuthError keeps its message.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { FileSystem } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { useServer } from '../support/fixture.js';

const coreSrc = join(import.meta.dirname, '../../packages/core/src');

/** The error modules of another copy of the package, loaded from a copy of their sources. */
interface SecondCopy {
  FsError: typeof import('@ftpkit/core').FsError;
  ReplyError: typeof import('@ftpkit/core').ReplyError;
  AuthError: typeof import('@ftpkit/core').AuthError;
}

describe('errors from a second copy of @ftpkit/core', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftpkit-second-core-'));
  let copy!: SecondCopy;
  before(async () => {
    for (const file of ['errors.ts', 'fs/errors.ts', 'protocol/reply-error.ts', 'hooks/auth-error.ts']) cpSync(join(coreSrc, file), join(dir, file));
    const load = (file: string) => import(pathToFileURL(join(dir, file)).href);
    const [fsErrors, replyErrors, authErrors] = await Promise.all([load('fs/errors.ts'), load('protocol/reply-error.ts'), load('hooks/auth-error.ts')]);
    copy = { FsError: fsErrors.FsError, ReplyError: replyErrors.ReplyError, AuthError: authErrors.AuthError };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const inner = new MemoryFileSystem({ files: { '/here.txt': 'here' } });
  const fs: FileSystem = Object.assign(Object.create(inner) as FileSystem, {
    stat: async (path: string) => {
      if (path === '/gone.txt') throw new copy.FsError('NotFound', 'No such file (second copy)');
      return inner.stat(path);
    },
  });
  const t = useServer({
    fs,
    authenticate: ({ username, password }) => {
      if (username === 'user' && password === 'pass') return { fs };
      throw new copy.AuthError('Go away, second copy.');
    },
  });

  it('the classes really are different', async () => {
    const { FsError } = await import('@ftpkit/core');
    assert.notEqual(copy.FsError, FsError);
    assert.equal(new copy.FsError('NotFound') instanceof FsError, false);
  });

  it("an adapter's FsError answers its own reply code (550), not 451", async () => {
    const client = await t.connect();
    const reply = await client.send('SIZE /gone.txt');
    assert.equal(reply.code, 550);
    assert.match(reply.text, /second copy/);
  });

  it("a middleware's ReplyError answers its code", async () => {
    t.server.server.use('NOOP', () => {
      throw new copy.ReplyError(553, 'Refused by the second copy.');
    });
    const client = await t.connect();
    const reply = await client.send('NOOP');
    assert.equal(reply.code, 553);
    assert.match(reply.text, /second copy/);
  });

  it("authenticate's AuthError keeps its message", async () => {
    const { client } = await t.connectRaw();
    await client.send('USER mallory');
    const reply = await client.send('PASS wrong');
    assert.equal(reply.code, 530);
    assert.match(reply.text, /Go away, second copy/);
  });
});
