/**
 * The bridge's accounts: a name → password map, from S3_BRIDGE_USERS or a demo pair.
 * A name becomes part of an S3 key prefix, so only plain names are accepted.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type Users = ReadonlyMap<string, string>;

/** Letters, digits, `.`, `_` and `-`, not starting with a dot: never `..` or a `/`. */
export function isValidName(name: string): boolean {
  return /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(name);
}

export const DEMO_USERS: Users = new Map([
  ['alice', 'alice-secret'],
  ['bob', 'bob-secret'],
]);

/** Parses `name:password,name:password`; throws on a malformed entry or name. */
export function parseUsers(spec: string): Users {
  const users = new Map<string, string>();
  for (const entry of spec.split(',').map((e) => e.trim()).filter(Boolean)) {
    const colon = entry.indexOf(':');
    const name = entry.slice(0, colon);
    if (colon < 1 || !isValidName(name)) throw new Error(`S3_BRIDGE_USERS: bad entry "${entry}" (want name:password)`);
    users.set(name, entry.slice(colon + 1));
  }
  if (users.size === 0) throw new Error('S3_BRIDGE_USERS lists no users');
  return users;
}

/** Whether `password` is `name`'s, compared in constant time. */
export function checkPassword(users: Users, name: string, password: string): boolean {
  const expected = users.get(name);
  const digest = (s: string) => createHash('sha256').update(s).digest();
  // Unknown names are compared too, so timing does not reveal which names exist.
  return timingSafeEqual(digest(expected ?? '\0unknown'), digest(password)) && expected !== undefined;
}
