/**
 * Control-connection framing. Bytes arrive in arbitrary TCP chunks; commands end with
 * CRLF or a bare LF. Telnet IAC sequences (RFC 854) are removed, as clients send
 * `IAC IP IAC DM` before ABOR. A line longer than the cap is never buffered past it:
 * the rest of it is discarded and reported once, when its end arrives.
 */

/** Non-streaming decode keeps no state, so every session can share one decoder. */
const UTF8 = new TextDecoder('utf-8');

const IAC = 0xff;
const WILL = 0xfb; // WILL, WONT, DO and DONT (0xfb..0xfe) carry one option byte.
const LF = 0x0a;
const CR = 0x0d;

/** What the reader hands to the session for each complete line. */
export type LineEvent = { line: string } | { overflow: true };

const enum IacState {
  Data,
  Command,
  Option,
}

/** First size of the line buffer: most commands fit, and idle sessions stay small. */
const INITIAL_CAPACITY = 256;

export class LineReader {
  // Grown by doubling up to the line cap, so a session costs 256 bytes here, not 8 KiB.
  private buffer: Buffer;
  private length = 0;
  private overflowed = false;
  private iac = IacState.Data;

  /** @param maxLineLength longest accepted line in bytes, without its line ending */
  constructor(private readonly maxLineLength: number) {
    this.buffer = Buffer.allocUnsafe(Math.min(INITIAL_CAPACITY, maxLineLength + 1));
  }

  /** Feed a chunk; returns the lines (and overflow notices) it completed, in order. */
  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.iac === IacState.Command) {
        this.iac = byte >= WILL && byte !== IAC ? IacState.Option : IacState.Data;
        if (byte === IAC) this.append(IAC); // IAC IAC is a literal 0xff
        continue;
      }
      if (this.iac === IacState.Option) {
        this.iac = IacState.Data;
        continue;
      }
      if (byte === IAC) {
        this.iac = IacState.Command;
        continue;
      }
      if (byte === LF) {
        events.push(this.finishLine());
        continue;
      }
      this.append(byte);
    }
    return events;
  }

  /** Forget a partial line and any Telnet sequence in progress. */
  reset(): void {
    this.length = 0;
    this.overflowed = false;
    this.iac = IacState.Data;
  }

  private append(byte: number): void {
    if (this.overflowed) return;
    if (this.length > this.maxLineLength) {
      this.overflowed = true;
      return;
    }
    if (this.length === this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.buffer.length * 2, this.maxLineLength + 1));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.buffer[this.length++] = byte;
  }

  private finishLine(): LineEvent {
    let end = this.length;
    if (end > 0 && this.buffer[end - 1] === CR) end--;
    const overflowed = this.overflowed || end > this.maxLineLength;
    this.length = 0;
    this.overflowed = false;
    const event: LineEvent = overflowed ? { overflow: true } : { line: UTF8.decode(this.buffer.subarray(0, end)) };
    // Give a grown buffer back: one long line must not cost a session 8 KiB for good.
    if (this.buffer.length > INITIAL_CAPACITY) this.buffer = Buffer.allocUnsafe(INITIAL_CAPACITY);
    return event;
  }
}
