/**
 * pure-ftpd as a peer. Debian's package conflicts with the installed vsftpd, so its
 * binaries are unpacked (`apt-get download` + `dpkg -x`) into a cache directory instead
 * of installed. One virtual user (PureDB) mapped to the system `ftp` account, chrooted
 * to the served directory; its password is an MD5-crypt hash, so a login costs about
 * what the plain-text checks of the other servers cost (pure-pw's default, argon2id,
 * would make every login spend most of its time hashing).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { startProcess } from '../proc.js';
import { running, type ServerSpec } from '../servers.js';
import { getpwnam } from '../users.js';

const CACHE = join(tmpdir(), 'ftpkit-bench-cache', 'pure-ftpd');
const INSTALLED = '/usr/sbin/pure-ftpd';
const UNPACKED = join(CACHE, 'root', 'usr', 'sbin', 'pure-ftpd');
const PURE_PW = [join(CACHE, 'root', 'usr', 'bin', 'pure-pw'), '/usr/bin/pure-pw'];
const USER = 'bench';
const PASSWORD = 'bench-password';

/** Unpack Debian's pure-ftpd and pure-ftpd-common into the cache; returns why it failed. */
function unpack(): string | undefined {
  try {
    mkdirSync(CACHE, { recursive: true });
    for (const pkg of ['pure-ftpd', 'pure-ftpd-common']) {
      execFileSync('apt-get', ['download', pkg], { cwd: CACHE, stdio: 'ignore' });
    }
    execFileSync('sh', ['-c', 'for deb in ./pure-ftpd*.deb; do dpkg -x "$deb" root; done'], { cwd: CACHE, stdio: 'ignore' });
    return existsSync(UNPACKED) ? undefined : 'the unpacked package has no pure-ftpd binary';
  } catch (err) {
    return `could not unpack Debian's pure-ftpd (${(err as Error).message.split('\n')[0]})`;
  }
}

function binary(): string | undefined {
  return [INSTALLED, UNPACKED].find((path) => existsSync(path));
}

/** A PureDB holding the benchmark user, chrooted to `dir`. */
function userDatabase(dir: string): string {
  const db = mkdtempSync(join(tmpdir(), 'ftpkit-bench-pure-'));
  const uid = getpwnam('ftp') ?? 65534;
  const hash = execFileSync('openssl', ['passwd', '-1', PASSWORD], { encoding: 'utf8' }).trim();
  writeFileSync(join(db, 'pureftpd.passwd'), `${USER}:${hash}:${uid}:65534::${dir}/./::::::::::::\n`);
  const pw = PURE_PW.find((path) => existsSync(path))!;
  execFileSync(pw, ['mkdb', join(db, 'pureftpd.pdb'), '-f', join(db, 'pureftpd.passwd')], { stdio: 'ignore' });
  return join(db, 'pureftpd.pdb');
}

export const pureFtpd: ServerSpec = {
  name: 'pure-ftpd',
  unavailable() {
    if (userInfo().uid !== 0) return 'pure-ftpd needs root to chroot its virtual user';
    if (!binary()) {
      if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) return 'pure-ftpd is not installed and apt-get is missing';
      const failed = unpack();
      if (failed) return failed;
    }
    if (!PURE_PW.some((path) => existsSync(path))) return 'pure-pw (pure-ftpd-common) is missing';
    return undefined;
  },
  async start(dir, port, passive, options) {
    const [min, max] = passive.split('-');
    const args = [
      '-S', `127.0.0.1,${port}`,
      '-l', `puredb:${userDatabase(dir)}`,
      '-p', `${min}:${max}`,
      '-E', // no anonymous logins
      '-A', // chroot everyone
      '-H', // no reverse DNS lookups
      '-c', '4096',
      '-C', '4096',
      ...(options?.tls ? ['-Y', '1', '-2', options.tls.bothFile] : []),
    ];
    const child = startProcess(binary()!, args);
    return running(child, { host: '127.0.0.1', port, user: USER, password: PASSWORD }, false);
  },
};
