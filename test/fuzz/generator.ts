/**
 * A seeded generator of hostile control-connection input: well-formed commands with
 * malformed arguments, mutated lines, raw binary, huge lines, Telnet IAC sequences,
 * NUL and bare CR. The same seed always yields the same bytes, so a failure can be
 * replayed.
 */

/** mulberry32: a tiny, fast, seedable PRNG (plenty for fuzzing). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Verbs every state should see, beyond those the server announces in HELP. */
export const EXTRA_VERBS = ['SMNT', 'XCUP', 'XPWD', 'XMKD', 'XRMD', 'LPRT', 'LPSV', 'ADAT', 'CONF', 'ENC', 'MIC', 'LANG', 'CLNT', 'XCRC', 'FOO'];

const IAC = 0xff;

export class LineGenerator {
  private readonly random: () => number;

  /**
   * @param seed PRNG seed
   * @param verbs the verbs to exercise (the server's HELP list plus {@link EXTRA_VERBS})
   */
  constructor(
    seed: number,
    private readonly verbs: readonly string[],
  ) {
    this.random = prng(seed);
  }

  int(max: number): number {
    return Math.floor(this.random() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  /** One line of input, with its line ending (CRLF, LF, or occasionally none: a partial line). */
  line(): Buffer {
    const roll = this.random();
    let body: Buffer;
    if (roll < 0.55) body = Buffer.from(this.command());
    else if (roll < 0.75) body = this.mutate(Buffer.from(this.command()));
    else if (roll < 0.83) body = this.binary(1 + this.int(200));
    else if (roll < 0.86) body = this.binary(4000 + this.int(12_000)); // around the 8 KiB cap
    else if (roll < 0.93) body = this.withIac(Buffer.from(this.command()));
    else if (roll < 0.97) body = this.withNul(Buffer.from(this.command()));
    else body = Buffer.from(this.pick(['', ' ', '\r', '\r\r', '\t', '  NOOP', 'noop', 'NoOp ', '\u00e9\u00e8', '\ud83d\ude00']));
    const ending = this.pick(['\r\n', '\r\n', '\r\n', '\n', '\r\n', '']);
    return Buffer.concat([body, Buffer.from(ending)]);
  }

  /** A verb (any case) with an argument shaped like, or almost like, what it expects. */
  command(): string {
    const verb = this.pick(this.verbs);
    const cased = this.chance(0.2) ? verb.toLowerCase() : verb;
    const arg = this.argumentFor(verb);
    return arg === undefined ? cased : `${cased}${this.chance(0.1) ? '  ' : ' '}${arg}`;
  }

  private argumentFor(verb: string): string | undefined {
    if (this.chance(0.15)) return undefined;
    switch (verb.toUpperCase()) {
      case 'PORT':
        return this.portArgument();
      case 'EPRT':
        return this.eprtArgument();
      case 'REST':
      case 'ALLO':
      case 'SIZE':
        return this.pick([String(this.int(1e6)), '-1', '99999999999999999999', '1e9', '0x10', ' 5', '', String(2 ** 53), 'NaN', this.path()]);
      case 'MFMT':
        return `${this.timestamp()} ${this.path()}`;
      case 'MDTM':
        return this.chance(0.5) ? `${this.timestamp()} ${this.path()}` : this.path();
      case 'TYPE':
        return this.pick(['A', 'I', 'E', 'L 8', 'L 7', 'A N', 'A T', 'A C', 'X', 'i', 'L', 'L 999', 'A  N ']);
      case 'MODE':
      case 'STRU':
        return this.pick(['S', 'B', 'C', 'F', 'R', 'P', 'Z', '']);
      case 'OPTS':
        return this.pick(['UTF8 ON', 'UTF8 OFF', 'MLST type;size;', 'MLST ', 'MLST foo;bar;;;', 'HASH SHA-256', 'HASH XYZ', 'X']);
      case 'SITE':
        return this.pick(['HELP', 'CHMOD 777 a', 'CHMOD 99999 a', 'CHMOD', 'CHMOD 755', 'UMASK 022', 'IDLE 1', 'EXEC rm -rf /', this.word()]) ;
      case 'EPSV':
        return this.pick(['ALL', '1', '2', '3', 'all', 'x']);
      case 'PROT':
      case 'PBSZ':
      case 'AUTH':
        return this.pick(['P', 'C', 'S', 'E', '0', '-1', 'TLS', 'SSL', 'TLS-C', 'X']);
      case 'HELP':
        return this.pick(this.verbs);
      case 'USER':
        return this.pick(['user', 'anonymous', 'ftp', 'reader', this.word(), 'a'.repeat(300)]);
      case 'PASS':
        return this.pick(['pass', 'wrong', '', this.word()]);
      default:
        return this.path();
    }
  }

  private portArgument(): string {
    const octet = () => String(this.pick([0, 1, 127, 255, 256, 999, -1, this.int(256)]));
    const n = this.pick([6, 6, 6, 5, 7, 0]);
    const parts = Array.from({ length: n }, () => (this.chance(0.7) ? String(this.int(256)) : octet()));
    if (n === 6 && this.chance(0.5)) parts.splice(0, 4, '127', '0', '0', '1');
    return parts.join(this.pick([',', ',', ',', '.', ', ']));
  }

  private eprtArgument(): string {
    const d = this.pick(['|', '|', '!', ' ', '\u00ff', '||']);
    const proto = this.pick(['1', '2', '3', '', 'x']);
    const host = this.pick(['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.0.0.1', '999.1.1.1', '', 'localhost', '1.2.3']);
    const port = this.pick([String(this.int(70_000)), '0', '21', '-5', '', '65536']);
    return `${d}${proto}${d}${host}${d}${port}${d}`;
  }

  private timestamp(): string {
    return this.pick(['20240101120000', '20241301000000', '2024010112', '99999999999999', '20240101120000.123', '19700101000000', 'abc', '']);
  }

  /** Paths: ordinary, traversing, encoded, over-long, odd characters. */
  path(): string {
    return this.pick([
      'file.txt',
      'big.bin',
      '/',
      '.',
      '..',
      '../../etc/passwd',
      '..\\..\\windows',
      '%2e%2e/%2e%2e',
      '\uff0e\uff0e\uff0f',
      '~',
      '//x//y',
      'C:\\boot.ini',
      '-la',
      '*',
      'dir/' + this.word(),
      'a'.repeat(this.pick([255, 1000, 5000])),
      '/tmp/' + this.word(),
      this.word(),
    ]);
  }

  private word(): string {
    const alphabet = 'abcXYZ019._-~%$ \u00e9\u4e2d';
    return Array.from({ length: 1 + this.int(12) }, () => this.pick([...alphabet])).join('');
  }

  /** Flip, insert, delete or duplicate a few bytes. */
  mutate(line: Buffer): Buffer {
    const bytes = [...line];
    const edits = 1 + this.int(4);
    for (let i = 0; i < edits; i++) {
      const at = this.int(bytes.length + 1);
      const op = this.int(4);
      if (op === 0 && bytes.length > 0) bytes[Math.min(at, bytes.length - 1)]! ^= 1 << this.int(8);
      else if (op === 1) bytes.splice(at, 0, this.int(256));
      else if (op === 2) bytes.splice(at, 1);
      else bytes.splice(at, 0, ...bytes.slice(at, at + 1 + this.int(8)));
    }
    return Buffer.from(bytes);
  }

  binary(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = this.int(256);
    return out;
  }

  /** Telnet sequences (IP, DM, WILL/DO negotiation, IAC IAC, a dangling IAC) inside a line. */
  withIac(line: Buffer): Buffer {
    const sequences = [[IAC, 0xf4], [IAC, 0xf2], [IAC, 0xfb, 1], [IAC, 0xfd, 3], [IAC, IAC], [IAC], [IAC, 0xfe]];
    const at = this.int(line.length + 1);
    return Buffer.concat([line.subarray(0, at), Buffer.from(this.pick(sequences)), line.subarray(at)]);
  }

  withNul(line: Buffer): Buffer {
    const at = this.int(line.length + 1);
    return Buffer.concat([line.subarray(0, at), Buffer.from([0]), line.subarray(at)]);
  }
}
