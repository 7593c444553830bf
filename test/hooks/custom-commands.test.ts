/** Host verbs and SITE subcommands: same descriptor as built-ins, listed in HELP, SITE HELP and FEAT. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { ReplyError } from '@ftpkit/core';
import { RawClient } from '../support/raw-client.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('custom commands', () => {
  let t: TestServer;

  before(async () => {
    t = await startTestServer();
    t.server
      .addCommand('XWHO', {
        arg: 'none',
        help: 'XWHO',
        feat: 'XWHO',
        handler: ({ session, reply }) => reply(200, `You are ${session.user!.username} from ${session.remoteAddress}.`),
      })
      .addCommand('XPING', {
        auth: false,
        arg: 'required',
        help: 'XPING <sp> token',
        handler: ({ arg, reply }) => reply(200, `PONG ${arg}`),
      })
      .addSiteCommand('QUOTA', {
        arg: 'optional',
        help: 'SITE QUOTA [<sp> user]',
        feat: 'SITE QUOTA',
        handler({ session, arg, reply }) {
          if (arg && arg !== session.user!.username) throw new ReplyError(550, 'Only your own quota.');
          reply(200, ['Quota:', ' used 0 bytes', 'End of quota.']);
        },
      });
  });
  after(() => t.close());

  it('runs a custom verb with its login and argument rules', async () => {
    const { client } = await RawClient.connect(t.port);
    try {
      assert.equal((await client.send('XWHO')).code, 530);
      assert.equal((await client.send('XPING')).code, 501);
      assert.equal((await client.send('XPING abc')).text, '200 PONG abc');
      await client.login();
      assert.equal((await client.send('XWHO now')).code, 501);
      assert.equal((await client.send('xwho')).text, '200 You are user from 127.0.0.1.');
    } finally {
      client.close();
    }
  });

  it('runs a custom SITE subcommand, including its errors, through basic-ftp', async () => {
    const client = new Client();
    try {
      await client.access({ host: '127.0.0.1', port: t.port, user: 'user', password: 'pass' });
      const ok = await client.send('SITE QUOTA');
      assert.equal(ok.code, 200);
      assert.match(ok.message, /used 0 bytes/);
      await assert.rejects(client.send('SITE QUOTA someone'), /550 Only your own quota/);
    } finally {
      client.close();
    }
  });

  it('lists custom commands in HELP, SITE HELP and FEAT', async () => {
    const { client } = await RawClient.connect(t.port);
    try {
      const help = await client.send('HELP');
      assert.match(help.text, /\bXWHO\b/);
      assert.match(help.text, /\bXPING\b/);
      assert.equal((await client.send('HELP XPING')).text, '214 Syntax: XPING <sp> token');
      const feat = await client.send('FEAT');
      assert.match(feat.text, /^ XWHO$/m);
      assert.match(feat.text, /^ SITE QUOTA$/m);
      assert.doesNotMatch(feat.text, /XPING/);
      await client.login();
      const siteHelp = await client.send('SITE HELP');
      assert.match(siteHelp.text, /^ QUOTA$/m);
      assert.equal((await client.send('SITE HELP QUOTA')).text, '214 Syntax: SITE QUOTA [<sp> user]');
    } finally {
      client.close();
    }
  });

  it('refuses invalid command names', () => {
    assert.throws(() => t.server.addCommand('X Y', { help: 'X', handler: () => {} }), TypeError);
    assert.throws(() => t.server.addSiteCommand('', { help: 'X', handler: () => {} }), TypeError);
  });
});
