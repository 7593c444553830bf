/**
 * TLS session-ticket keys shared through the state store, so that a ticket issued by
 * one node resumes on any node (TLS 1.3 resumption and TLS 1.2 tickets). The record
 * holds the current key and the one before it, and expires two rotations after it was
 * written. One node at a time (holding a short lease) rotates; the others pick the new
 * key up within a poll interval. Node's TLS takes one ticket key per context, so a
 * ticket made under the previous key gets a full handshake instead of a resumption.
 */
import { randomBytes } from 'node:crypto';
import type { StateStore } from '../state/store.js';

/** What is stored under {@link KEY}. */
interface TicketKeyRecord {
  /** 48 bytes, hex: the key new tickets use. */
  current: string;
  /** The key before it, kept for the rotation's overlap. */
  previous?: string;
  /** When `current` was made (ms since the epoch). */
  since: number;
}

const KEY = 'tls:ticket-keys';
const ROTATION_LOCK = 'tls:ticket-rotation';
/** How often a key is replaced. */
const ROTATION_MS = 12 * 60 * 60_000;
/** How often a node reads the record (and so how long nodes may disagree after a rotation). */
const POLL_MS = 60_000;

export class SharedTicketKeys {
  private timer: NodeJS.Timeout | undefined;
  private applied: string | undefined;
  private readonly holder = randomBytes(8).toString('hex');

  /** @param apply installs 48 bytes of ticket keys in every secure context */
  constructor(
    private readonly store: StateStore,
    private readonly apply: (keys: Buffer) => void,
  ) {}

  /** Read (or make) the shared key and apply it, then keep polling until {@link stop}. */
  async start(): Promise<void> {
    await this.sync().catch(() => {}); // store down: this node keeps its own key until the next poll
    this.timer ??= setInterval(() => void this.sync().catch(() => {}), POLL_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sync(): Promise<void> {
    let record = parse(await this.store.get(KEY));
    if (!record || Date.now() - record.since >= ROTATION_MS) {
      if (await this.store.acquire(ROTATION_LOCK, this.holder, 1, 10_000)) {
        // Read again under the lock: another node may have just rotated.
        const latest = parse(await this.store.get(KEY));
        if (latest && Date.now() - latest.since < ROTATION_MS) record = latest;
        else {
          record = { current: randomBytes(48).toString('hex'), ...(latest ? { previous: latest.current } : {}), since: Date.now() };
          await this.store.set(KEY, JSON.stringify(record), 2 * ROTATION_MS);
        }
        await this.store.release(ROTATION_LOCK, this.holder);
      }
    }
    if (record && record.current !== this.applied) {
      this.apply(Buffer.from(record.current, 'hex'));
      this.applied = record.current;
    }
  }
}

function parse(stored: string | undefined): TicketKeyRecord | undefined {
  if (!stored) return undefined;
  try {
    const record = JSON.parse(stored) as TicketKeyRecord;
    return typeof record.current === 'string' && record.current.length === 96 && typeof record.since === 'number' ? record : undefined;
  } catch {
    return undefined;
  }
}
