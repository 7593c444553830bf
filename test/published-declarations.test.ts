// The published declarations carry only the public API: no `@internal` member survives
// into any built `.d.ts` (stripInternal), nor the session state the issue named. Reads
// packages/*/dist after `pnpm run build`.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = join(root, 'packages');

/** Every `.d.ts` below `dir`. */
function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Internal session state that must never be part of the published types. */
const FORBIDDEN_MEMBERS = new Set(['restOffset', 'pbszSet']);
/** Types that only the engine itself may hold. */
const ENGINE_TYPES = /\b(ServerContext|TlsEngine|PassivePortPool)\b/;

/** The problems in one declaration file: `@internal` members and forbidden state. */
function problemsIn(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const where = (node: ts.Node): string =>
    `${relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const problems: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal')) {
      problems.push(`${where(node)}: @internal declaration ${node.getText().split('\n')[0]}`);
    }
    const isMember = ts.isPropertyDeclaration(node) || ts.isPropertySignature(node) || ts.isParameter(node) ||
      ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node);
    if (isMember && ts.isIdentifier(node.name)) {
      const name = node.name.text;
      if (FORBIDDEN_MEMBERS.has(name)) problems.push(`${where(node)}: internal member ${name}`);
      if (name === 'server' && node.type && ENGINE_TYPES.test(node.type.getText())) {
        problems.push(`${where(node)}: a server field of engine type ${node.type.getText()}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return problems;
}

describe('published declarations', () => {
  const packages = readdirSync(packagesDir).filter((name) => existsSync(join(packagesDir, name, 'package.json')));
  const built = packages.filter((name) => existsSync(join(packagesDir, name, 'dist')));

  it('every package is built (run `pnpm run build` first)', () => {
    assert.deepEqual(packages.filter((name) => !built.includes(name)), []);
    assert.ok(built.includes('core'));
  });

  it('no built .d.ts has an @internal member, restOffset, pbszSet or a server field holding the engine', () => {
    const files = built.flatMap((name) => declarationFiles(join(packagesDir, name, 'dist')));
    assert.ok(files.some((file) => file.endsWith(join('core', 'dist', 'session.d.ts'))), 'core has no session.d.ts');
    assert.deepEqual(files.flatMap(problemsIn), []);
  });
});
