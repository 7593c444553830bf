/** The HAProxy configuration shown in the README's "Running a fleet" is the one the fleet tests run. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { haproxyConfig } from './haproxy.js';

test('the README haproxy.cfg is what haproxyConfig() writes for the layout the README describes', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const shown = /## Running a fleet[\s\S]*?```haproxy\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(shown, 'the README has a haproxy block under "Running a fleet"');
  const layout = {
    host: '127.0.0.1',
    port: 2121,
    source: '127.0.0.10',
    monitorPort: 8405,
    nodes: [
      { address: '127.0.0.11', port: 2121, passivePorts: { min: 46000, max: 46049 } },
      { address: '127.0.0.12', port: 2121, passivePorts: { min: 46050, max: 46099 } },
    ],
  };
  assert.equal(shown.trimEnd(), haproxyConfig(layout).trimEnd());
});
