// The core's modules depend only downwards: no import circle in packages/core/src,
// type-only imports included (`import type`, `export type ... from`, `import('...')`
// in a type), so that each layer can be read, tested and replaced without the ones
// above it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const srcDir = fileURLToPath(new URL('../src', import.meta.url));

/** Every module specifier a file names: imports, re-exports, `import()` calls and types. */
function specifiersOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) found.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The import graph of the `.ts` files below `dir`: module → the local modules it imports. */
export function importGraph(dir: string): Map<string, string[]> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => join(dir, name));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const local = specifiersOf(file)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
    graph.set(relative(dir, file), [...new Set(local)].map((target) => relative(dir, target)));
  }
  return graph;
}

/** The import circles of `graph`, each as the path that closes it (first module repeated at the end). */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const done = new Set<string>();
  const onPath: string[] = [];
  const cycles: string[][] = [];
  const visit = (module: string): void => {
    const at = onPath.indexOf(module);
    if (at !== -1) {
      cycles.push([...onPath.slice(at), module]);
      return;
    }
    if (done.has(module)) return;
    onPath.push(module);
    for (const next of graph.get(module) ?? []) visit(next);
    onPath.pop();
    done.add(module);
  };
  for (const module of [...graph.keys()].sort()) visit(module);
  return cycles;
}

describe('import graph of @ftpkit/core', () => {
  it('finds a circle, direct or through type imports, when there is one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
    ]);
    assert.deepEqual(findCycles(graph), [['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    assert.deepEqual(findCycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]])), []);
  });

  it('reads type imports, re-exports and the modules of the real source', () => {
    const graph = importGraph(srcDir);
    assert.ok(graph.get('index.ts')?.includes('server.ts'), 'index.ts re-exports server.ts');
    assert.ok(graph.get('index.ts')?.includes('fs/filesystem.ts'), 'index.ts re-exports types of fs/filesystem.ts');
    for (const [module, targets] of graph) {
      for (const target of targets) assert.ok(graph.has(target), `${module} imports ${target}, which is not a module of src`);
    }
  });

  it('has no import circle in packages/core/src, type imports included', () => {
    const cycles = findCycles(importGraph(srcDir));
    assert.deepEqual(cycles.map((cycle) => cycle.join(' → ')), []);
  });
});
