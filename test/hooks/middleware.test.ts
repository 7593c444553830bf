/** Command middleware over the wire: order, verb scoping, veto, argument rewrite, replies, faults. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import type { SentReply } from '@ftpkit/core';
import { RawClient } from '../support/raw-client.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('command middleware', () => {
  let t: TestServer;
  const order: string[] = [];
  const seen: { verb: string; replies: SentReply[] }[] = [];
  const errors: Error[] = [];

  before(async () => {
    t = await startTestServer();
    await t.fs.mkdir('/public');
    t.server.on('error', (err) => errors.push(err));
    t.server
      .use(async (ctx, next) => {
        order.push(`a>${ctx.verb}`);
        await next();
        order.push(`a<${ctx.verb}`);
        seen.push({ verb: ctx.verb, replies: [...ctx.replies] });
      })
      .use(['mkd', 'XMKD'], async (ctx, next) => {
        order.push(`scoped>${ctx.verb}`);
        if (ctx.arg.includes('forbidden')) return ctx.reply(550, 'Vetoed by policy.');
        await next();
      })
      // Argument rewrite: CWD ~ goes to /public.
      .use('CWD', (ctx, next) => {
        if (ctx.arg === '~') ctx.arg = '/public';
        return next();
      })
      .use('SYST', () => {
        throw new Error('middleware exploded');
      })
      .use('HELP', async (_ctx, next) => {
        await next();
        throw new Error('exploded after the reply');
      })
      .use('ALLO', () => {
        // Neither replies nor calls next().
      })
      .use('STRU', async (_ctx, next) => {
        await next();
        await next();
      });
  });
  after(() => t.close());

  it('runs middleware in registration order around the command, scoped by verb', async () => {
    const { client } = await RawClient.connect(t.port);
    try {
      await client.login();
      order.length = 0;
      assert.equal((await client.send('MKD /made')).code, 257);
      assert.equal((await client.send('NOOP')).code, 200);
      assert.deepEqual(order, ['a>MKD', 'scoped>MKD', 'a<MKD', 'a>NOOP', 'a<NOOP']);
    } finally {
      client.close();
    }
  });

  it('vetoes a command: the middleware reply is the answer and the command never runs', async () => {
    const { client } = await RawClient.connect(t.port);
    try {
      await client.login();
      const reply = await client.send('MKD /forbidden');
      assert.equal(reply.code, 550);
      assert.match(reply.text, /Vetoed by policy/);
      await assert.rejects(t.fs.stat('/forbidden'));
    } finally {
      client.close();
    }
  });

  it('rewrites the argument before the command sees it (basic-ftp)', async () => {
    const client = new Client();
    try {
      await client.access({ host: '127.0.0.1', port: t.port, user: 'user', password: 'pass' });
      await client.cd('~');
      assert.equal(await client.pwd(), '/public');
    } finally {
      client.close();
    }
  });

  it('shows the replies that were sent after next()', async () => {
    const { client } = await RawClient.connect(t.port);
    try {
      await client.login();
      await client.send('PWD');
      const pwd = seen.findLast((s) => s.verb === 'PWD')!;
      assert.deepEqual(pwd.replies.map((r) => r.code), [257]);
      assert.match(pwd.replies[0]!.text, /"\/"/);
    } finally {
      client.close();
    }
  });

  it('answers 451 and emits error when a middleware throws, and keeps serving', async () => {
    const { client } = await RawClient.connect(t.port);
    try {
      errors.length = 0;
      assert.equal((await client.send('SYST')).code, 451);
      assert.match(errors[0]?.message ?? '', /middleware exploded/);
      // Thrown after the command answered: one reply only, then an error event.
      assert.equal((await client.send('HELP')).code, 214);
      assert.equal((await client.send('NOOP')).code, 200);
      assert.match(errors[1]?.message ?? '', /exploded after the reply/);
      await client.login();
      assert.equal((await client.send('PWD')).code, 257);
    } finally {
      client.close();
    }
  });

  it('answers 451 when a middleware neither replies nor calls next(), or calls next() twice', async () => {
    const { client } = await RawClient.connect(t.port);
    try {
      await client.login();
      errors.length = 0;
      assert.equal((await client.send('ALLO 10')).code, 451);
      assert.match(errors[0]?.message ?? '', /neither replied nor called next/);
      assert.equal((await client.send('STRU F')).code, 200);
      assert.match(errors[1]?.message ?? '', /next\(\) more than once/);
      assert.equal((await client.send('NOOP')).code, 200);
    } finally {
      client.close();
    }
  });
});
