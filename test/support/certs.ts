/**
 * Test-only certificates, generated at test time with the openssl CLI: a CA, server
 * certificates signed by it (one per name set) and a client certificate for mutual TLS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM text, and the same as files (pass one or the other to the server). */
export interface CertPair {
  cert: string;
  key: string;
  files: { certFile: string; keyFile: string };
}

export interface TestCerts {
  dir: string;
  ca: CertPair;
  /** Issue a certificate for `cn` (also in subjectAltName, with `altNames`), signed by the CA. */
  issue(cn: string, altNames?: string[], usage?: 'server' | 'client'): CertPair;
  remove(): void;
}

/** Whether the openssl CLI is available. */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function pair(dir: string, name: string): CertPair {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), files: { certFile, keyFile } };
}

export function createTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'ftpkit-certs-'));
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, ['req', '-x509', ...key, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=ftpkit test CA']);
  let serial = 1;
  return {
    dir,
    ca: pair(dir, 'ca'),
    issue(cn, altNames = [], usage = 'server') {
      const name = `${usage}-${serial}`;
      const sans = [cn, ...altNames].map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
      writeFileSync(
        join(dir, `${name}.ext`),
        `subjectAltName=${sans}\nextendedKeyUsage=${usage === 'server' ? 'serverAuth' : 'clientAuth'}\n`,
      );
      openssl(dir, ['req', '-new', ...key, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
      openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', String(serial++),
        '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
      return pair(dir, name);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
