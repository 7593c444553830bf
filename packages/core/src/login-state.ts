/**
 * The state of one login, as one record: the user and what the commands of the login
 * set (working directory, TYPE, HOST, the one-shot REST and ALLO, RNFR, EPSV ALL, OPTS).
 * A session starts with a fresh record and REIN replaces it whole, so nothing of one
 * user's login can leak into the next.
 */
import type { HashAlgorithm } from './fs/hash.js';
import { MLST_FACTS, type MlstFact } from './fs/list-format.js';
import type { SessionUser } from './session-view.js';
import type { TlsPolicy } from './tls/requirements.js';

/** Every MLSx fact: one set shared by the sessions that did not choose with OPTS MLST. */
const ALL_MLST_FACTS: ReadonlySet<MlstFact> = new Set(MLST_FACTS);

/** @internal The per-login state of a session (see the module comment). */
export class LoginState {
  /** The logged-in user, once PASS succeeded. */
  user: SessionUser | undefined;
  /** Name given by USER, awaiting PASS. */
  pendingUser: string | undefined;
  /** Current working directory (virtual path). */
  cwd = '/';
  /** TYPE: `A` (ASCII, the RFC 959 default) or `I` (binary). */
  transferType: 'A' | 'I' = 'A';
  /** The virtual host chosen with HOST (RFC 7151), lower-cased. */
  virtualHost: string | undefined;
  /** The TLS policy the logged-in user's `AuthResult` added. */
  userTlsPolicy: TlsPolicy = {};
  /** REST offset for the next file transfer (see `clearTransferParameters`). */
  restOffset = 0;
  /** ALLO size hint for the next upload (see `clearTransferParameters`). */
  allocateHint: number | undefined;
  /** Path named by RNFR. */
  renameFrom: string | undefined;
  /** Set by EPSV ALL: only EPSV may open data channels. */
  epsvOnly = false;
  /** MLSx facts chosen with OPTS MLST (replaced by OPTS MLST, never changed in place). */
  mlstFacts: ReadonlySet<MlstFact> = ALL_MLST_FACTS;
  /** The algorithm HASH uses, chosen with OPTS HASH. */
  hashAlgorithm: HashAlgorithm = 'SHA-256';

  /**
   * Forget the parameters given for the next file transfer (REST, ALLO). The dispatcher
   * calls it after every file-transfer command, whatever became of it.
   */
  clearTransferParameters(): void {
    this.restOffset = 0;
    this.allocateHint = undefined;
  }
}
