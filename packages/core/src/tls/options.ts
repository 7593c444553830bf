/** FTPS options: certificates, listeners, TLS policy and virtual hosts. */
import type { AuthRequest, AuthResult } from '../hooks/authenticate.js';
import type { TlsPolicy } from './requirements.js';

/** PEM text (a string) or PEM/DER bytes, or several of them (a chain, several CAs). */
export type PemInput = string | Buffer | readonly (string | Buffer)[];

/**
 * A certificate with its private key. Give the PEM material itself (`cert`, `key`,
 * `ca`) or paths to PEM files (`certFile`, `keyFile`, `caFile`), not both for the same
 * item. Files are read when the server is created and again by
 * `server.setSecureContext()` without arguments (certificate renewal).
 */
export interface TlsCertificate {
  /** Certificate chain, PEM text or bytes. */
  cert?: PemInput;
  /** Private key, PEM text or bytes. */
  key?: PemInput;
  /** Trusted CA certificates, used to verify client certificates (`requestCert`). */
  ca?: PemInput;
  /** Path of a PEM file holding the certificate chain. */
  certFile?: string;
  /** Path of a PEM file holding the private key. */
  keyFile?: string;
  /** Path of a PEM file holding trusted CA certificates. */
  caFile?: string;
  /** Passphrase of an encrypted private key. */
  passphrase?: string;
}

/** The `tls` option of the server: enables AUTH TLS, PBSZ, PROT and implicit FTPS. */
export interface TlsOptions extends TlsCertificate, TlsPolicy {
  /**
   * The main listener (`port`) speaks implicit FTPS: TLS from the first byte, and data
   * connections are protected unless the client sends PROT C. Default false (explicit
   * FTPS through AUTH TLS).
   */
  implicit?: boolean;
  /**
   * Also listen for implicit FTPS on this port (990 by convention; 0 picks a free port),
   * on the same host, beside the main listener. See `server.implicitAddress`.
   */
  implicitPort?: number;
  /** Lowest TLS version accepted. Default and minimum `TLSv1.2`. */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Highest TLS version offered. Default `TLSv1.3`. */
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** OpenSSL cipher list for TLS 1.2; Node's default when omitted. */
  ciphers?: string;
  /** Certificates chosen by the name a client sends in SNI (host name → certificate). */
  sni?: Record<string, TlsCertificate>;
  /** Ask clients for a certificate (mutual TLS); a verified one reaches `authenticate`. */
  requestCert?: boolean;
  /**
   * With `requestCert`: fail the handshake of clients without a certificate signed by
   * `ca`. Default false (the certificate is optional and `authenticate` decides).
   */
  rejectUnauthorized?: boolean;
  /** Milliseconds a client may take to complete a TLS handshake. Default 10 s. */
  handshakeTimeout?: number;
}

/** A virtual host selected with HOST (RFC 7151) before login. */
export interface VirtualHost {
  /** Checks logins to this host; the server's `authenticate` when omitted. */
  authenticate?: (request: AuthRequest) => Promise<AuthResult> | AuthResult;
  /** This host's certificate, presented on AUTH TLS after HOST and to SNI for its name. */
  tls?: TlsCertificate;
  /** Text of the 220 reply to HOST. */
  greeting?: string;
}

/** The virtual host configured under `name` (compared case-insensitively). */
export function findVirtualHost(hosts: Record<string, VirtualHost> | undefined, name: string | undefined): VirtualHost | undefined {
  if (!hosts || name === undefined) return undefined;
  return Object.entries(hosts).find(([key]) => normalizeHostName(key) === name)?.[1];
}

/** Lower-case a host name and drop a trailing dot and IPv6 literal brackets. */
export function normalizeHostName(name: string): string {
  let host = name.trim().toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}
