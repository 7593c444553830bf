/**
 * Per-directory permissions: rules that change what a user may do under a path or a
 * glob, resolved deepest-first. A rule applies to the path it matches and everything
 * below it; the flags it names override those inherited from shallower rules (and
 * from the user's own permissions), so `/outgoing` read-only and `/outgoing/drop`
 * writable combine as expected.
 */
import { resolvePath } from '../fs/paths.js';
import type { Permissions } from './presets.js';

/** One per-directory rule. */
export interface PathRule {
  /**
   * A virtual path such as `/incoming`, or a glob: `*` matches within one segment, `?`
   * one character, and a `**` segment any number of segments.
   */
  path: string;
  /** The flags this rule sets; flags it leaves out are inherited. */
  permissions: Partial<Permissions>;
}

interface CompiledRule {
  pattern: RegExp;
  literal: boolean;
  index: number;
  permissions: Partial<Permissions>;
}

/** Glob → anchored regular expression over normalised virtual paths. */
function compile(glob: string): RegExp {
  const normalised = resolvePath('/', glob);
  if (normalised === '/') return /^\/$/;
  let source = '';
  for (const segment of normalised.slice(1).split('/')) {
    if (segment === '**') {
      source += '(?:/[^/]+)*';
      continue;
    }
    source += '/';
    for (const char of segment) {
      if (char === '*') source += '[^/]*';
      else if (char === '?') source += '[^/]';
      else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/** The path and each of its ancestors, root first: `/a/b` → `/`, `/a`, `/a/b`. */
function ancestry(path: string): string[] {
  const out = ['/'];
  let current = '';
  for (const segment of path.split('/')) {
    if (!segment) continue;
    current += `/${segment}`;
    out.push(current);
  }
  return out;
}

/**
 * A set of per-directory permission rules: what a user may do under each path or glob,
 * the deepest matching rule winning flag by flag (see {@link pathPermissions}).
 */
export class PathRules {
  private readonly rules: CompiledRule[];

  /** Compiles `rules`; throws a `TypeError` for a path that does not start with `/`. */
  constructor(rules: readonly PathRule[]) {
    this.rules = rules.map((rule, index) => {
      if (typeof rule.path !== 'string' || !rule.path.startsWith('/')) {
        throw new TypeError(`PathRules: rule paths must start with "/", got "${rule.path}"`);
      }
      return { pattern: compile(rule.path), literal: !/[*?]/.test(rule.path), index, permissions: rule.permissions };
    });
  }

  /** Whether there are no rules at all. */
  get empty(): boolean {
    return this.rules.length === 0;
  }

  /**
   * Permissions at the normalised virtual `path` for a user whose own permissions are
   * `base`: matching rules apply from the shallowest match to the deepest, and at
   * the same depth an exact path beats a glob, then the later rule wins.
   */
  resolve(path: string, base: Readonly<Permissions>): Permissions {
    const levels = ancestry(path);
    const matches: { depth: number; rule: CompiledRule }[] = [];
    for (const rule of this.rules) {
      for (let depth = levels.length - 1; depth >= 0; depth--) {
        if (rule.pattern.test(levels[depth]!)) {
          matches.push({ depth, rule });
          break;
        }
      }
    }
    matches.sort(
      (a, b) => a.depth - b.depth || Number(a.rule.literal) - Number(b.rule.literal) || a.rule.index - b.rule.index,
    );
    const result = { ...base };
    for (const { rule } of matches) Object.assign(result, definedOnly(rule.permissions));
    return result;
  }

  /**
   * Every flag granted by `base` or by any rule. Give the user these as its session
   * permissions, so the core's per-command checks let through what a rule allows; the
   * {@link pathPermissions} middleware then decides per path.
   */
  ceiling(base: Readonly<Permissions>): Permissions {
    const result = { ...base };
    for (const rule of this.rules) {
      for (const [flag, value] of Object.entries(rule.permissions) as [keyof Permissions, boolean | undefined][]) {
        if (value) result[flag] = true;
      }
    }
    return result;
  }
}

function definedOnly(permissions: Partial<Permissions>): Partial<Permissions> {
  return Object.fromEntries(Object.entries(permissions).filter(([, v]) => typeof v === 'boolean'));
}
