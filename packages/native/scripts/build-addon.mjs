#!/usr/bin/env node
// The package's install step: builds the addon with node-gyp against the headers of a
// local Node installation. It never fails the install: without a compiler, Python,
// node-gyp or headers it prints one line and @ftpkit/native reports itself unavailable,
// so its users take their pure-JavaScript paths. FTPKIT_NATIVE=0 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');

function notice(reason) {
  console.log(`@ftpkit/native: not built (${reason}); ftpkit uses its JavaScript paths`);
  process.exit(0);
}

if (process.env.FTPKIT_NATIVE === '0') notice('FTPKIT_NATIVE=0');
if (process.platform === 'win32') notice('not supported on Windows');

// npm passes its node-gyp as npm_config_node_gyp; pnpm and npm put one on PATH.
const gyp = process.env.npm_config_node_gyp;
const command = gyp ? process.execPath : 'node-gyp';
const args = gyp ? [gyp] : [];
args.push('rebuild');
// Headers: an explicit nodedir (npm and node-gyp read npm_config_nodedir) wins; else those
// of the running Node's own installation. node-gyp's default would download them.
if (!process.env.npm_config_nodedir) {
  const prefix = dirname(dirname(process.execPath));
  if (!existsSync(join(prefix, 'include', 'node', 'node_api.h'))) notice(`no Node headers under ${prefix}/include/node; set npm_config_nodedir`);
  args.push(`--nodedir=${prefix}`);
}

const result = spawnSync(command, args, { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
if (result.error) notice(`${command}: ${result.error.code ?? result.error.message}`);
if (result.status !== 0) {
  const lines = `${result.stderr}\n${result.stdout}`.split('\n').filter((l) => /error|not found/i.test(l));
  notice(`node-gyp failed: ${(lines[0] ?? `exit ${result.status}`).trim().slice(0, 160)}`);
}
