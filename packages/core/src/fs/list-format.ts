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

function modeString(stat: FileStat): string {
  const type = stat.type === 'directory' ? 'd' : stat.type === 'symlink' ? 'l' : '-';
  const mode = stat.mode ?? (stat.type === 'directory' ? 0o755 : 0o644);
  const bits = 'rwxrwxrwx';
  let out = type;
  for (let i = 0; i < 9; i++) out += mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
}

function lsDate(date: Date, now: number): string {
  const month = MONTHS[date.getUTCMonth()];
  const day = String(date.getUTCDate()).padStart(2, ' ');
  const recent = Math.abs(now - date.getTime()) < SIX_MONTHS_MS;
  const tail = recent ? `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}` : ` ${date.getUTCFullYear()}`;
  return `${month} ${day} ${tail}`;
}

/** One `ls -l` style line (without line ending). */
export function formatListLine(stat: FileStat, now = Date.now()): string {
  const owner = (stat.owner ?? 'ftp').padEnd(8);
  const group = (stat.group ?? 'ftp').padEnd(8);
  const links = String(stat.nlink ?? 1).padStart(3);
  const size = String(stat.size).padStart(12);
  const name = stat.type === 'symlink' && stat.target ? `${stat.name} -> ${stat.target}` : stat.name;
  return `${modeString(stat)} ${links} ${owner} ${group} ${size} ${lsDate(stat.mtime, now)} ${name}`;
}

/** MLSx facts a server can report (RFC 3659 section 7.5). */
export const MLST_FACTS = ['type', 'size', 'modify', 'perm', 'unix.mode'] as const;
export type MlstFact = (typeof MLST_FACTS)[number];

/**
 * One MLSx entry: `fact=value;...; name`. `perm` is the RFC 3659 permission string
 * for this entry, computed by the caller from the session's permissions.
 */
export function formatMlsxLine(
  stat: FileStat,
  facts: ReadonlySet<MlstFact>,
  perm: string,
  name = stat.name,
  typeOverride?: string,
): string {
  let out = '';
  if (facts.has('type')) out += `type=${typeOverride ?? (stat.type === 'directory' ? 'dir' : stat.type === 'symlink' ? 'OS.unix=symlink' : 'file')};`;
  if (facts.has('size') && stat.type !== 'directory') out += `size=${stat.size};`;
  if (facts.has('modify')) out += `modify=${formatFtpTime(stat.mtime)};`;
  if (facts.has('perm')) out += `perm=${perm};`;
  if (facts.has('unix.mode') && stat.mode !== undefined) out += `unix.mode=0${(stat.mode & 0o7777).toString(8)};`;
  return `${out} ${name}`;
}
