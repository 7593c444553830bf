/**
 * A bounded in-memory TLS 1.2 session-id cache, so that clients which resume by
 * session id rather than by ticket can resume on data connections. TLS 1.3 and
 * ticket-based TLS 1.2 resumption need no server state.
 */
import type { Server as TlsServer } from 'node:tls';

const MAX_SESSIONS = 1000;
const LIFETIME_MS = 300_000; // OpenSSL's default session timeout

export class SessionCache {
  private readonly sessions = new Map<string, { data: Buffer; expires: number }>();

  attach(server: TlsServer): void {
    server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
      const key = id.toString('hex');
      this.sessions.delete(key);
      this.sessions.set(key, { data, expires: Date.now() + LIFETIME_MS });
      // A Map iterates in insertion order: the first entry is the oldest.
      if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
      done();
    });
    server.on('resumeSession', (id: Buffer, done: (err: Error | null, data: Buffer | null) => void) => {
      const key = id.toString('hex');
      const entry = this.sessions.get(key);
      if (entry && entry.expires < Date.now()) this.sessions.delete(key);
      done(null, entry && entry.expires >= Date.now() ? entry.data : null);
    });
  }
}
