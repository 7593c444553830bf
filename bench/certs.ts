/**
 * One self-signed certificate (EC P-256) that every server under test uses for FTPS,
 * made with the openssl CLI once and kept beside the served directory.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchConfig } from './config.js';

export interface CertFiles {
  certFile: string;
  keyFile: string;
  /** Certificate and key in one PEM file (vsftpd, pyftpdlib and pure-ftpd accept that). */
  bothFile: string;
}

/** The certificate files, created on first use; undefined when openssl is missing. */
export function benchCerts(config: BenchConfig): CertFiles | undefined {
  const dir = `${config.dir}-certs`;
  const files = { certFile: join(dir, 'server.crt'), keyFile: join(dir, 'server.key'), bothFile: join(dir, 'server.pem') };
  if (existsSync(files.bothFile)) return files;
  try {
    mkdirSync(dir, { recursive: true });
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', files.keyFile, '-out', files.certFile, '-days', '30', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    execFileSync('sh', ['-c', `cat "${files.certFile}" "${files.keyFile}" > "${files.bothFile}"`]);
    return files;
  } catch {
    return undefined;
  }
}
