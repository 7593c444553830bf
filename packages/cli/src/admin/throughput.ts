/**
 * Bytes per second over the last minutes, for the dashboard's chart. Once a second it
 * reads the byte counts the running transfers already keep, and takes the last bytes
 * of every transfer from its end event, so the data path does no extra work.
 */
import { snapshotSession, type FtpServer, type TransferEvent, type TransferResult } from '@ftpkit/core';

/** One second of traffic. */
export interface ThroughputSample {
  /** End of the second (ms since the epoch). */
  t: number;
  /** Bytes received (uploads). */
  in: number;
  /** Bytes sent (downloads and listings). */
  out: number;
}

/** Samples kept: ten minutes at one per second. */
const HISTORY = 600;
const INTERVAL_MS = 1000;

/** A running tally of the server's traffic, one sample a second. */
export class ThroughputMeter {
  private readonly samples: ThroughputSample[] = [];
  /** Bytes of each session's running transfer (by session id) already counted in a sample. */
  private readonly counted = new Map<string, number>();
  private pending = { in: 0, out: 0 };
  private readonly timer: NodeJS.Timeout;
  private readonly onEnd = ({ session, direction, result }: TransferEvent & { result: TransferResult }) => {
    this.add(direction, result.bytes - (this.counted.get(session.id) ?? 0));
    this.counted.delete(session.id);
  };

  constructor(private readonly server: FtpServer) {
    server.on('transfer-end', this.onEnd);
    this.timer = setInterval(() => this.tick(), INTERVAL_MS).unref();
  }

  /** The samples of the last minutes, oldest first. */
  history(): readonly ThroughputSample[] {
    return this.samples;
  }

  /** Stop sampling. */
  stop(): void {
    clearInterval(this.timer);
    this.server.off('transfer-end', this.onEnd);
  }

  private add(direction: 'upload' | 'download', bytes: number): void {
    if (direction === 'upload') this.pending.in += bytes;
    else this.pending.out += bytes;
  }

  private tick(): void {
    const now = Date.now();
    for (const session of this.server.sessions) {
      const { transfer } = snapshotSession(session, now);
      if (!transfer) continue;
      this.add(transfer.direction, transfer.bytes - (this.counted.get(session.id) ?? 0));
      this.counted.set(session.id, transfer.bytes);
    }
    this.samples.push({ t: now, ...this.pending });
    if (this.samples.length > HISTORY) this.samples.shift();
    this.pending = { in: 0, out: 0 };
  }
}
