/** What the `authenticate` hook receives and returns. */
import type { PeerCertificate } from 'node:tls';
import type { FileSystem } from '../fs/filesystem.js';
import type { FileSystemLimits } from '../limits/limited-fs.js';
import type { Permissions } from '../permissions/presets.js';
import type { Session } from '../session-view.js';
import type { TlsPolicy } from '../tls/requirements.js';

/** What the `authenticate` hook receives. */
export interface AuthRequest {
  /** The name given with USER. */
  username: string;
  /** The password given with PASS (empty when none was sent). */
  password: string;
  /** True for `anonymous`/`ftp` when the server's `anonymous` option is on. */
  anonymous: boolean;
  /** The client's IP address (IPv4-mapped IPv6 addresses are unwrapped). */
  address: string;
  /** Whether the control connection is TLS-protected. */
  secure: boolean;
  /** The client's certificate, when `tls.requestCert` is on and it verified against `tls.ca`. */
  certificate?: PeerCertificate;
  /** The virtual host chosen with HOST, lower-cased. */
  host?: string;
  /** The session logging in; its `data` bag can be read, `user` is not set yet. */
  session: Session;
}

/**
 * What a successful `authenticate` returns. The {@link TlsPolicy} flags tighten the
 * server-wide TLS policy for this user (`requireTls` refuses this login unless it came
 * over TLS).
 */
export interface AuthResult extends TlsPolicy {
  /** The user's storage; `/` of this file system is the user's root. */
  fs: FileSystem;
  /**
   * This login owns `fs`: the core calls `fs.close()` when the login ends (QUIT, REIN,
   * disconnect, server close, or a login refused after `authenticate`). Set it for a
   * file system made for this login; leave it unset for one shared between sessions,
   * which the core never closes. Default false.
   */
  ownsFileSystem?: boolean;
  /** What the user may do; missing flags default to allowed (anonymous: read-only). */
  permissions?: Partial<Permissions>;
  /** Initial working directory (virtual path); defaults to `/`, and to `/` when it does not exist. */
  home?: string;
  /**
   * Limits for this user (quota, largest file, bandwidth): the session gets `fs`
   * wrapped by `limitFileSystem`. Share a `StorageQuota` or `TokenBucket` between
   * results to limit all of a user's sessions together.
   */
  limits?: FileSystemLimits;
  /** Arbitrary host data kept on the session as `session.user.data`. */
  data?: Record<string, unknown>;
}
