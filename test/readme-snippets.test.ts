// Every TypeScript snippet in the READMEs type-checks against the current API, each as
// a module of its own. (The root README's Hooks snippets form one program, run and
// driven over the wire by test/hooks/readme.test.ts; the embedding snippet is run by
// readme-embedding.test.ts.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the repository so that the workspace packages resolve through node_modules.
const dir = join(root, 'node_modules', '.cache', 'ftpkit-readme-snippets');

function readmes(): string[] {
  const nested = ['packages', 'examples'].flatMap((top) =>
    readdirSync(join(root, top)).map((name) => join(top, name, 'README.md')),
  );
  return ['README.md', ...nested].filter((file) => {
    try {
      readFileSync(join(root, file));
      return true;
    } catch {
      return false;
    }
  });
}

/** The ts blocks of a README, without the root README's Hooks section. */
function snippets(file: string): string[] {
  let text = readFileSync(join(root, file), 'utf8');
  if (file === 'README.md') {
    const start = text.indexOf('\n## Hooks');
    const end = text.indexOf('\n## ', start + 4);
    text = text.slice(0, start) + text.slice(end);
  }
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('README snippets', () => {
  it('type-check, each as its own module', () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    for (const readme of readmes()) {
      snippets(readme).forEach((code, i) => {
        const name = `${readme.replace(/[/.]/g, '_')}_${i}.mts`;
        writeFileSync(join(dir, name), `${code}\nexport {};\n`);
        files.push(name);
      });
    }
    assert.ok(files.length >= 8, `found only ${files.length} snippets`);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: join(root, 'tsconfig.base.json'), compilerOptions: { noEmit: true }, files }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const run = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });
});
