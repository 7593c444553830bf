/**
 * limitFileSystem hands every call's options, and with them the signal, to the file
 * system it wraps (its own quota lookups included), and closes that file system when it
 * is closed itself.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { limitFileSystem, StorageQuota, type FileSystem } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { expectFsError, faultyFileSystem, type FaultOperation, type Faults } from '@ftpkit/fs-testkit';

const OPERATIONS: FaultOperation[] = ['stat', 'list', 'read', 'write', 'mkdir', 'rmdir', 'remove', 'rename', 'setTimes', 'chmod', 'availableSpace'];

describe('limitFileSystem and the operation signal', () => {
  it('every call reaches the wrapped file system with its signal', async () => {
    // fs-memory knows no free space: give it some, so that the wrapper asks for it.
    const memory = Object.assign(new MemoryFileSystem({ files: { '/f': 'x', '/r': 'r', '/d': null } }), { availableSpace: async () => 1e9 });
    // stat hangs only for /f: the wrapper's own quota lookups (of /g, /r, /h) pass.
    const faults = Object.fromEntries(OPERATIONS.map((op) => [op === 'stat' ? 'stat:/f' : `${op}:*`, 'hang-until-aborted'])) as Faults;
    const inner = faultyFileSystem(memory, faults);
    const fs = limitFileSystem(inner, { quota: new StorageQuota({ maxBytes: 1e6, usedBytes: 0 }), maxFileSize: 1e5 });
    const controller = new AbortController();
    const { signal } = controller;
    const calls: Promise<unknown>[] = [
      fs.stat('/f', { signal }),
      (async () => {
        for await (const entry of fs.list('/d', { signal })) void entry;
      })(),
      fs.read('/f', { signal }),
      fs.write('/g', { signal }),
      fs.mkdir('/e', { signal }),
      fs.rmdir('/d', { signal }),
      fs.remove('/r', { signal }),
      fs.rename('/f', '/h', { signal }),
      fs.setTimes!('/f', new Date(0), { signal }),
      fs.chmod!('/f', 0o600, { signal }),
    ];
    for (const call of calls) call.catch(() => {});
    controller.abort();
    for (const call of calls) await expectFsError(call, 'Aborted');
    await expectFsError(fs.availableSpace!('/', { signal }), 'Aborted');
    assert.deepEqual(new Set(inner.released.map((key) => key.split(':')[0])), new Set(OPERATIONS));
  });

  it('closing the wrapper closes the wrapped file system', async () => {
    let closes = 0;
    const inner: FileSystem = Object.assign(Object.create(new MemoryFileSystem()) as FileSystem, { close: async () => void closes++ });
    await limitFileSystem(inner, { maxFileSize: 10 }).close?.();
    assert.equal(closes, 1);
  });
});
