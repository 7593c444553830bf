/**
 * A session that has ended must not stay reachable: at thousands of logins a second,
 * anything that holds finished sessions (a forgotten timer, a map entry) turns into
 * retained memory and garbage-collector work.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Session } from '@ftpkit/core';
import { useServer } from '../support/fixture.js';
import { collectGarbage } from '../support/process-stats.js';

/** Let the current job end (WeakRefs stay alive until then), then collect. */
async function collectedAfterTurn(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
}

describe('ended sessions are released', () => {
  const ftp = useServer();

  async function endedSession(end: 'QUIT' | 'vanish'): Promise<WeakRef<Session>> {
    const connected = new Promise<Session>((resolve) => ftp.server.server.once('connect', resolve));
    const client = await ftp.connect();
    const session = await connected;
    const ref = new WeakRef(session);
    const closed = session.whenClosed();
    if (end === 'QUIT') assert.equal((await client.send('QUIT')).code, 221);
    else client.socket.destroy();
    await closed;
    return ref;
  }

  for (const end of ['QUIT', 'vanish'] as const) {
    it(`after ${end === 'QUIT' ? 'QUIT' : 'the client vanished'}, nothing keeps the session alive`, async () => {
      const ref = await endedSession(end);
      for (let i = 0; i < 5 && ref.deref(); i++) await collectedAfterTurn();
      assert.equal(ref.deref(), undefined, 'the ended session is still reachable');
    });
  }
});
