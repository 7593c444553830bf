/** The TLS requirements a server sets, and a login may tighten. */
/** TLS requirements; server-wide in {@link TlsOptions}, per user in `AuthResult`. */
export interface TlsPolicy {
  /** Refuse USER/PASS on a control connection that is not TLS-protected (530). */
  requireTls?: boolean;
  /** Refuse transfers over unprotected data connections: PROT P is required (521). */
  requireProtectedData?: boolean;
  /**
   * Refuse a protected data connection whose TLS session does not resume an earlier
   * session of this server (425), as vsftpd's `require_ssl_reuse`. Off by default:
   * some clients (Python's ftplib, some Go clients) never resume.
   */
  requireSessionReuse?: boolean;
}
