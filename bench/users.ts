/** The uid of a system user, from /etc/passwd (vsftpd's anonymous user must own the upload dir). */
import { readFileSync } from 'node:fs';

export function getpwnam(name: string): number | undefined {
  try {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
    const uid = Number(line?.split(':')[2]);
    return Number.isInteger(uid) ? uid : undefined;
  } catch {
    return undefined;
  }
}
