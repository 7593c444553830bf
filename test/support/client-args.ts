/** Command-line settings shared by the tests that drive lftp and rclone. */
import { runOk } from './process.js';

/** lftp settings for a quick, deterministic run: no TLS attempt, no retry loops, fail on the first error. */
export const LFTP_SETTINGS =
  'set ftp:ssl-allow no; set net:max-retries 1; set net:timeout 10; set net:reconnect-interval-base 1; set cmd:fail-exit yes; set xfer:clobber yes';

/** rclone flags: no config file, one try, short timeouts. */
const RCLONE_FLAGS = ['--config', '/dev/null', '--retries', '1', '--low-level-retries', '1', '--contimeout', '10s', '--timeout', '30s'];

/** rclone with {@link RCLONE_FLAGS}; throws unless it exits 0. */
export const rclone = (...args: string[]) => runOk('rclone', [...RCLONE_FLAGS, ...args], { timeoutMs: 60_000 });

/** An on-the-fly rclone FTP remote (`:ftp,...:`) for a server on 127.0.0.1. */
export async function rcloneRemote(port: number, user: string, pass: string): Promise<string> {
  const obscured = (await rclone('obscure', pass)).stdout.trim();
  return `:ftp,host=127.0.0.1,port=${port},user=${user},pass=${obscured}:`;
}
