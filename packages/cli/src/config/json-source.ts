/**
 * JSON text with positions: parses a config file (comments allowed) and answers "on
 * which line is this key?", so every error can point into the file.
 */
import { UsageError } from '../args.js';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

/** A problem in the config file, reported as `FILE:LINE: message` (one line per problem). */
export class ConfigError extends UsageError {}

/**
 * Several problems as one error, one line each; a single one unchanged. A problem that
 * is not about the file itself (a flag) keeps its class when it is alone.
 */
export function combineProblems(problems: readonly UsageError[]): UsageError {
  if (problems.length === 1) return problems[0]!;
  return new ConfigError(problems.map((p) => p.message).join('\n'));
}

/** A key path into the document: object keys and array indexes. */
export type JsonPath = (string | number)[];

/** `users[0].password` for `['users', 0, 'password']`. */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out || '(top level)';
}

export class JsonSource {
  readonly value: unknown;
  private readonly root: Node;

  constructor(
    readonly file: string,
    private readonly text: string,
  ) {
    const errors: ParseError[] = [];
    const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
    const first = errors[0];
    if (first || !root) {
      const offset = first?.offset ?? 0;
      const what = first ? printParseErrorCode(first.error).replace(/[A-Z]/g, (c, i: number) => (i ? ' ' : '') + c.toLowerCase()) : 'empty file';
      throw this.error(offset, `invalid JSON: ${what}`);
    }
    this.root = root;
    this.checkDuplicateKeys(root, []);
    this.value = getNodeValue(root);
  }

  /** 1-based line of an offset. */
  lineAt(offset: number): number {
    let line = 1;
    for (let i = 0; i < offset && i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) line++;
    return line;
  }

  /**
   * Line of the value at `path` (of its key, when it is an object member); the nearest
   * existing ancestor's line when the path does not exist.
   */
  lineOf(path: JsonPath): number {
    for (let n = path.length; n >= 0; n--) {
      const node = findNodeAtLocation(this.root, path.slice(0, n));
      if (!node) continue;
      const member = node.parent?.type === 'property' ? node.parent : node;
      return this.lineAt(member.offset);
    }
    return 1;
  }

  /** A {@link ConfigError} naming the file and the line of `path`. */
  errorAt(path: JsonPath, message: string): ConfigError {
    return new ConfigError(`${this.file}:${this.lineOf(path)}: ${formatPath(path)}: ${message}`);
  }

  private error(offset: number, message: string): ConfigError {
    return new ConfigError(`${this.file}:${this.lineAt(offset)}: ${message}`);
  }

  private checkDuplicateKeys(node: Node, path: JsonPath): void {
    if (node.type === 'object') {
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        const name = String(key?.value);
        if (seen.has(name)) throw this.error(property.offset, `${formatPath([...path, name])}: key given twice`);
        seen.add(name);
        if (value) this.checkDuplicateKeys(value, [...path, name]);
      }
    } else if (node.type === 'array') {
      node.children?.forEach((child, index) => this.checkDuplicateKeys(child, [...path, index]));
    }
  }
}
