/**
 * The server's TLS certificates as secure contexts: the default one, one per SNI name
 * and one per virtual host. Every context shares the same ticket keys and session id
 * context, so a data connection can resume the control connection's session whichever
 * certificate either was made with, and after the certificate has been replaced; with
 * shared ticket keys (see `ticket-keys.ts`) a client resumes on any node of a fleet.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';
import { normalizeHostName, type PemInput, type TlsCertificate, type TlsOptions, type VirtualHost } from './options.js';

type Pem = string | Buffer | (string | Buffer)[];

function material(inline: PemInput | undefined, file: string | undefined, what: string, label: string): Pem | undefined {
  if (inline !== undefined && file !== undefined) throw new TypeError(`${label}: give ${what} or ${what}File, not both`);
  if (file !== undefined) return readFileSync(file);
  return inline === undefined ? undefined : typeof inline === 'string' || Buffer.isBuffer(inline) ? inline : [...inline];
}

export class TlsContexts {
  private ticketKeys: Buffer = randomBytes(48);
  // Same for every context and every node: resumption checks it, so it must vary
  // neither by certificate nor by node (the ticket keys are what keep tickets private).
  private readonly sessionIdContext = 'ftpkit';
  private defaultContext!: SecureContext;
  private readonly byName = new Map<string, SecureContext>();
  private readonly byHost = new Map<string, SecureContext>();

  constructor(
    private readonly options: TlsOptions,
    virtualHosts: Record<string, VirtualHost> = {},
  ) {
    this.replaceDefault();
    for (const [name, certificate] of Object.entries(options.sni ?? {})) {
      this.byName.set(normalizeHostName(name), this.create(certificate, `tls.sni["${name}"]`));
    }
    for (const [name, host] of Object.entries(virtualHosts)) {
      if (host.tls) this.byHost.set(normalizeHostName(name), this.create(host.tls, `virtualHosts["${name}"].tls`));
    }
  }

  /**
   * Replace the default certificate for new handshakes (established sessions keep
   * theirs). Without an argument, re-read the configured files.
   */
  replaceDefault(certificate?: TlsCertificate): void {
    this.defaultContext = this.create(certificate ?? this.options, certificate ? 'setSecureContext' : 'tls');
  }

  /** Use `keys` (48 bytes) for the tickets of every context, current and future. */
  setTicketKeys(keys: Buffer): void {
    this.ticketKeys = keys;
    for (const context of [this.defaultContext, ...this.byName.values(), ...this.byHost.values()]) {
      (context as SecureContext & { context: { setTicketKeys(keys: Buffer): void } }).context.setTicketKeys(keys);
    }
  }

  /**
   * The context for a handshake: the virtual host's certificate when HOST chose one,
   * else the certificate for the SNI name (virtual hosts first), else the default.
   */
  select(servername: string | undefined, virtualHost: string | undefined): SecureContext {
    const host = virtualHost && this.byHost.get(virtualHost);
    if (host) return host;
    const name = servername ? normalizeHostName(servername) : undefined;
    return (name && (this.byHost.get(name) ?? this.byName.get(name))) || this.defaultContext;
  }

  private create(certificate: TlsCertificate, label: string): SecureContext {
    const cert = material(certificate.cert, certificate.certFile, 'cert', label);
    const key = material(certificate.key, certificate.keyFile, 'key', label);
    // A virtual host or SNI entry without its own CA list verifies clients like the server.
    const ca = material(certificate.ca, certificate.caFile, 'ca', label) ?? material(this.options.ca, this.options.caFile, 'ca', 'tls');
    if (cert === undefined || key === undefined) throw new TypeError(`${label}: a certificate and its key are required`);
    const { minVersion = 'TLSv1.2', maxVersion = 'TLSv1.3', ciphers } = this.options;
    if (!['TLSv1.2', 'TLSv1.3'].includes(minVersion)) throw new RangeError('tls.minVersion: TLSv1.2 is the lowest allowed');
    return createSecureContext({
      cert,
      key,
      ...(ca !== undefined ? { ca } : {}),
      ...(certificate.passphrase !== undefined ? { passphrase: certificate.passphrase } : {}),
      ...(ciphers !== undefined ? { ciphers } : {}),
      minVersion,
      maxVersion,
      ticketKeys: this.ticketKeys,
      sessionIdContext: this.sessionIdContext,
    });
  }
}
