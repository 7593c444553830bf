/**
 * User and group names for LIST, read from /etc/passwd and /etc/group. The tables are
 * small and read at most once a minute per process; ids without a name (or systems
 * without these files) show as numbers, as `ls -n` would.
 */
import { readFile } from 'node:fs/promises';

const REFRESH_MS = 60_000;

/** Maps numeric uids and gids to names. */
export interface IdNames {
  user(uid: number): string;
  group(gid: number): string;
}

/** Ids shown as plain numbers. */
export const numericIds: IdNames = { user: String, group: String };

let cached: { at: number; names: Promise<IdNames> } | undefined;

/** The current name tables, re-read when older than a minute. */
export function systemIdNames(): Promise<IdNames> {
  const now = Date.now();
  if (!cached || now - cached.at > REFRESH_MS) cached = { at: now, names: loadNames() };
  return cached.names;
}

async function loadNames(): Promise<IdNames> {
  const [users, groups] = await Promise.all([readTable('/etc/passwd'), readTable('/etc/group')]);
  return {
    user: (uid) => users.get(uid) ?? String(uid),
    group: (gid) => groups.get(gid) ?? String(gid),
  };
}

/** `name:x:id:...` lines into id → name; a missing file is an empty table. */
async function readTable(file: string): Promise<Map<number, string>> {
  const table = new Map<number, string>();
  const text = await readFile(file, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id && /^\d+$/.test(id) && !table.has(Number(id))) table.set(Number(id), name);
  }
  return table;
}
