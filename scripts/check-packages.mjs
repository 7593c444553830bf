#!/usr/bin/env node
// Checks the packages as a user receives them: packs every public package with pnpm,
// reads each tarball's package.json and file list, installs the tarballs with npm into a
// fresh project outside the workspace and loads them there with plain node (ESM import,
// CommonJS require where the Node version offers require(esm), the `ftpkit` binary).
// Needs the npm registry for third-party dependencies. Usage: node scripts/check-packages.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pnpm = ['-y', 'pnpm@10.34.9'];
const work = mkdtempSync(join(tmpdir(), 'ftpkit-pack-'));
const problems = [];
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({ dir: join(root, 'packages', dir), manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
  .filter((p) => !p.manifest.private);

const tarballs = [];
for (const { dir, manifest } of packages) {
  sh('npx', [...pnpm, 'pack', '--pack-destination', work], dir);
  const tarball = join(work, `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`);
  tarballs.push(tarball);
  const files = sh('tar', ['-tzf', tarball]).split('\n');
  const packed = JSON.parse(sh('tar', ['-xzOf', tarball, 'package/package.json']));
  const bad = (what) => problems.push(`${manifest.name}: ${what}`);
  for (const file of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']) if (!files.includes(`package/${file}`)) bad(`${file} missing from the tarball`);
  if (JSON.stringify(packed.exports ?? {}).includes('@ftpkit/source')) bad('the internal @ftpkit/source condition is published');
  if (files.some((f) => f.startsWith('package/build/'))) bad('a native build directory is packed (the install step builds it)');
  if (packed.scripts?.install && !files.includes('package/binding.gyp')) bad('an install step without binding.gyp');
  if (JSON.stringify(packed).includes('workspace:')) bad('a workspace: range is published');
  if (packed.publishConfig?.access !== 'public') bad('publishConfig.access is not public');
  for (const field of ['repository', 'homepage', 'bugs', 'keywords', 'license', 'engines']) if (!packed[field]) bad(`no ${field} field`);
  // @ftpkit/native is a plain addon: it uses nothing of the core.
  if (!['@ftpkit/core', '@ftpkit/cli', '@ftpkit/native'].includes(manifest.name)) {
    if (!packed.peerDependencies?.['@ftpkit/core']) bad('@ftpkit/core is not a peer dependency');
    if (packed.dependencies?.['@ftpkit/core']) bad('@ftpkit/core is also a dependency');
  }
  if (packed.dependencies?.['@aws-sdk/client-s3'] && manifest.name !== '@ftpkit/cli') bad('@aws-sdk/client-s3 must be a peer dependency');
}

// A fresh host project: npm, no workspace, the tarballs only.
const host = join(work, 'host');
execFileSync('mkdir', ['-p', host]);
writeFileSync(join(host, 'package.json'), JSON.stringify({ name: 'host', private: true, type: 'module' }));
sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], host);
const names = packages.map((p) => p.manifest.name).filter((n) => n !== '@ftpkit/cli');
const importAll = names.map((n) => `await import('${n}');`).join(' ');
for (const extra of [[], ['--conditions=@ftpkit/source']]) {
  try {
    sh(process.execPath, [...extra, '--input-type=module', '-e', importAll], host);
  } catch (err) {
    problems.push(`import ${extra.join(' ')} failed: ${err.stderr.split('\n').find((l) => /Error/.test(l)) ?? err.message}`);
  }
}
const [major, minor] = process.versions.node.split('.').map(Number);
if (major > 22 || (major === 22 && minor >= 12)) {
  // What the README promises CommonJS hosts: plain require() of every package.
  for (const name of packages.map((p) => p.manifest.name)) {
    try {
      const out = sh(process.execPath, ['--input-type=commonjs', '-e', `console.log(Object.keys(require('${name}')).length)`], host);
      if (!(Number(out.trim()) > 0)) problems.push(`require('${name}') exported nothing`);
    } catch (err) {
      problems.push(`require('${name}') failed: ${err.stderr.split('\n').find((l) => /Error/.test(l)) ?? err.message}`);
    }
  }
}
// The addon's tarball carries sources only: npm's install built it in the host project.
if (process.env.FTPKIT_NATIVE !== '0') {
  const status = sh(process.execPath, ['--input-type=module', '-e', "console.log(JSON.stringify((await import('@ftpkit/native')).nativeStatus()))"], host);
  if (!JSON.parse(status).loaded) problems.push(`@ftpkit/native did not build on install: ${status.trim()}`);
}
const version = sh(join(host, 'node_modules/.bin/ftpkit'), ['--version'], host).trim();
if (!version.includes(packages.find((p) => p.manifest.name === '@ftpkit/cli').manifest.version)) problems.push(`ftpkit --version printed "${version}"`);
// One SDK for the host and the adapter, so a host's S3Client type-checks against fs-s3.
const sdks = sh('npm', ['ls', '@aws-sdk/client-s3', '--all', '--parseable'], host).trim().split('\n').filter(Boolean);
if (new Set(sdks).size !== 1) problems.push(`@aws-sdk/client-s3 installed ${sdks.length} times`);

if (problems.length) {
  console.error(`package check failed (${work}):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
rmSync(work, { recursive: true, force: true });
console.log(`packages ok on Node ${process.versions.node}: ${packages.map((p) => p.manifest.name).join(', ')}`);
