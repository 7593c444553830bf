/**
 * Listing formats: `ls -l` lines for LIST and STAT (the format FileZilla, lftp, curl
 * and rclone parse), MLSx fact lines (RFC 3659) and FTP timestamps.
 */
import type { FileStat } from './filesystem.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIX_MONTHS_MS = 182 * 24 * 3600 * 1000;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `YYYYMMDDHHMMSS` in UTC, as MDTM and the MLSx `modify` fact use (RFC 3659). */
export function formatFtpTime(date: Date): string {
  return (
    String(date.getUTCFullYear()).padStart(4, '0') +
    pad2(date.getUTCMonth() + 1) +
    pad2(date.getUTCDate()) +
    pad2(date.getUTCHours()) +
    pad2(date.getUTCMinutes()) +
    pad2(date.getUTCSeconds())
  );
}

/** Parse `YYYYMMDDHHMMSS[.sss]` (UTC); undefined when malformed or out of range. */
export function parseFtpTime(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,3}))?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  // Reject values Date.UTC silently rolls over (month 13, second 61, ...).
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || date.getUTCHours() !== h) return undefined;
  if (date.getUTCMinutes() !== mi || date.getUTCSeconds() !== s) return undefined;
  return date;
}

/** `drwxr-xr-x` and the like, by type and permission bits; a listing has only a few. */
const modeStrings = new Map<number, string>();

function modeString(stat: FileStat): string {
  const type = stat.type === 'directory' ? 1 : stat.type === 'symlink' ? 2 : 0;
  const mode = (stat.mode ?? (type === 1 ? 0o755 : 0o644)) & 0o777;
  const key = (type << 9) | mode;
  let out = modeStrings.get(key);
  if (out === undefined) {
    const bits = 'rwxrwxrwx';
    out = '-dl'[type] ?? '-';
    for (let i = 0; i < 9; i++) out += mode & (1 << (8 - i)) ? bits[i] : '-';
    modeStrings.set(key, out);
  }
  return out;
}

function lsDate(date: Date, now: number): string {
  const month = MONTHS[date.getUTCMonth()];
  const day = String(date.getUTCDate()).padStart(2, ' ');
  const recent = Math.abs(now - date.getTime()) < SIX_MONTHS_MS;
  const tail = recent ? `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}` : ` ${date.getUTCFullYear()}`;
  return `${month} ${day} ${tail}`;
}

/** Memoised values of one listing; bounded so a huge listing cannot grow it without end. */
class Memo<K, V> {
  readonly #map = new Map<K, V>();
  constructor(readonly compute: (key: K) => V) {}
  get(key: K): V {
    let value = this.#map.get(key);
    if (value === undefined) {
      if (this.#map.size >= 4096) this.#map.clear();
      value = this.compute(key);
      this.#map.set(key, value);
    }
    return value;
  }
}

const MINUTE_MS = 60_000;

/**
 * {@link formatListLine} for the entries of one listing, sharing `now` and caching what
 * entries have in common (owner and group columns, dates to the minute), which matters
 * for directories of many thousands of entries.
 */
export function listLineFormatter(now = Date.now()): (stat: FileStat) => string {
  const column = new Memo((name: string) => name.padEnd(8));
  // Lines of the same minute share their date text, unless six months ago falls inside it.
  const dates = new Memo((minute: number) => lsDate(new Date(minute * MINUTE_MS), now));
  return (stat) => {
    const ms = stat.mtime.getTime();
    const minute = Math.floor(ms / MINUTE_MS);
    const edge = Math.abs(now - minute * MINUTE_MS) < SIX_MONTHS_MS !== Math.abs(now - ms) < SIX_MONTHS_MS;
    const date = edge ? lsDate(stat.mtime, now) : dates.get(minute);
    return listLine(stat, column.get(stat.owner ?? 'ftp'), column.get(stat.group ?? 'ftp'), date);
  };
}

/** One `ls -l` style line (without line ending). */
export function formatListLine(stat: FileStat, now = Date.now()): string {
  return listLine(stat, (stat.owner ?? 'ftp').padEnd(8), (stat.group ?? 'ftp').padEnd(8), lsDate(stat.mtime, now));
}

function listLine(stat: FileStat, owner: string, group: string, date: string): string {
  const links = String(stat.nlink ?? 1).padStart(3);
  const size = String(stat.size).padStart(12);
  const name = stat.type === 'symlink' && stat.target ? `${stat.name} -> ${stat.target}` : stat.name;
  return `${modeString(stat)} ${links} ${owner} ${group} ${size} ${date} ${name}`;
}

/** MLSx facts a server can report (RFC 3659 section 7.5). */
export const MLST_FACTS = ['type', 'size', 'modify', 'perm', 'unix.mode'] as const;
export type MlstFact = (typeof MLST_FACTS)[number];

const MLSX_TYPES = { file: 'file', directory: 'dir', symlink: 'OS.unix=symlink' } as const;

/**
 * One MLSx entry: `fact=value;...; name`. `perm` is the RFC 3659 permission string
 * for this entry, computed by the caller from the session's permissions.
 */
export function formatMlsxLine(
  stat: FileStat,
  facts: ReadonlySet<MlstFact>,
  perm: string,
  name = stat.name,
): string {
  return mlsxLine(stat, facts, perm, name, formatFtpTime(stat.mtime));
}

/**
 * {@link formatMlsxLine} for the entries of one listing, caching `modify` texts to the
 * second.
 */
export function mlsxFormatter(facts: ReadonlySet<MlstFact>): (stat: FileStat, perm: string, name?: string) => string {
  const times = new Memo((second: number) => formatFtpTime(new Date(second * 1000)));
  return (stat, perm, name = stat.name) =>
    mlsxLine(stat, facts, perm, name, facts.has('modify') ? times.get(Math.floor(stat.mtime.getTime() / 1000)) : '');
}

function mlsxLine(
  stat: FileStat,
  facts: ReadonlySet<MlstFact>,
  perm: string,
  name: string,
  modify: string,
): string {
  let out = '';
  if (facts.has('type')) out += `type=${MLSX_TYPES[stat.type]};`;
  if (facts.has('size') && stat.type !== 'directory') out += `size=${stat.size};`;
  if (facts.has('modify')) out += `modify=${modify};`;
  if (facts.has('perm')) out += `perm=${perm};`;
  if (facts.has('unix.mode') && stat.mode !== undefined) out += `unix.mode=0${(stat.mode & 0o7777).toString(8)};`;
  return `${out} ${name}`;
}
