/**
 * Checks a parsed config file against `ftpkit.schema.json` with Ajv, so the schema that
 * editors use is also the one enforced, and turns Ajv's findings into precise
 * messages, one per problem, naming the key and its line.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import type { FileConfig } from './types.js';
import { combineProblems, type JsonPath, type JsonSource } from './json-source.js';

const schemaUrl = new URL('../../ftpkit.schema.json', import.meta.url);
let compiled: ReturnType<Ajv['compile']> | undefined;

function validator(): ReturnType<Ajv['compile']> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strictTuples: false });
    compiled = ajv.compile(JSON.parse(readFileSync(schemaUrl, 'utf8')));
  }
  return compiled;
}

function pathOf(pointer: string): JsonPath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** Edit distance, for "did you mean" on unknown keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The allowed key closest to an unknown one, if one is close. */
function suggestion(error: ErrorObject): string | undefined {
  const key = String(error.params.additionalProperty);
  const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
  return known.find((k) => distance(k, key) <= 2);
}

function describe(error: ErrorObject): { path: JsonPath; message: string } {
  const path = pathOf(error.instancePath);
  const parent = error.parentSchema as { description?: string; properties?: Record<string, unknown> } | undefined;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const close = suggestion(error);
      return { path: [...path, String(params.additionalProperty)], message: `unknown key${close ? ` (did you mean "${close}"?)` : ''}` };
    }
    case 'required':
      return { path, message: `missing required key "${String(params.missingProperty)}"` };
    case 'false schema': // only storage keys of another storage type are forbidden this way
      return { path, message: 'not allowed for this storage type' };
    case 'enum':
      return { path, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'type':
      return { path, message: `must be ${/^[aeiou]/.test(String(params.type)) ? 'an' : 'a'} ${String(params.type)}, got ${JSON.stringify(error.data)}` };
    case 'minLength':
      return { path, message: 'must not be empty' };
    case 'pattern':
    case 'oneOf':
      return { path, message: `invalid value ${JSON.stringify(error.data)}${parent?.description ? `: ${parent.description}` : ''}` };
    default:
      return { path, message: error.message ?? 'invalid value' };
  }
}

/** Validate `source` against the schema; throws a `ConfigError` listing every problem, by line. */
export function validateConfig(source: JsonSource): FileConfig {
  const validate = validator();
  if (validate(source.value)) return source.value as FileConfig;
  const errors = validate.errors ?? [];
  // A failed oneOf explains itself; the failures of its branches are noise.
  const failedOneOf = errors.filter((e) => e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  const relevant = errors.filter((e) => e.keyword !== 'if' && !failedOneOf.some((prefix) => e.schemaPath.startsWith(prefix)));
  // A misspelt key is reported once, as unknown with a suggestion, not also as missing.
  const suggested = new Set(relevant.filter((e) => e.keyword === 'additionalProperties').map((e) => `${e.instancePath} ${suggestion(e)}`));
  const problems = relevant
    .filter((e) => !(e.keyword === 'required' && suggested.has(`${e.instancePath} ${String(e.params.missingProperty)}`)))
    .map(describe)
    .map((p) => ({ ...p, line: source.lineOf(p.path) }));
  problems.sort((a, b) => a.line - b.line);
  const unique = [...new Map(problems.map((p) => [`${p.line} ${p.message}`, p])).values()];
  throw combineProblems(unique.map((p) => source.errorAt(p.path, p.message)));
}
