/**
 * IPv4 addresses of the host names given as `publicHost`, remembered for a while: a
 * client fetching many files sends PASV before each one, and none of them should wait
 * on DNS. A changed record (dynamic DNS behind NAT) is picked up once the answer expires.
 */
import { lookup } from 'node:dns/promises';

/** Looks up the IPv4 address of a host name. */
export type LookupIPv4 = (host: string) => Promise<string>;

const lookupIPv4: LookupIPv4 = async (host) => (await lookup(host, { family: 4 })).address;

export class HostResolver {
  readonly #answers = new Map<string, { address: Promise<string>; expires: number }>();

  /**
   * @param ttlMs how long an answer is reused
   * @param maxEntries names remembered at most (a `publicHost` function may name several)
   */
  constructor(
    private readonly lookup: LookupIPv4 = lookupIPv4,
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 64,
    private readonly now: () => number = Date.now,
  ) {}

  /** The IPv4 address of `host`; concurrent callers share one lookup, failures are not remembered. */
  resolve(host: string): Promise<string> {
    const cached = this.#answers.get(host);
    if (cached && cached.expires > this.now()) return cached.address;
    const address = this.lookup(host);
    this.#answers.delete(host);
    if (this.#answers.size >= this.maxEntries) this.#answers.delete(this.#answers.keys().next().value!);
    const entry = { address, expires: this.now() + this.ttlMs };
    this.#answers.set(host, entry);
    address.catch(() => {
      if (this.#answers.get(host) === entry) this.#answers.delete(host);
    });
    return address;
  }
}
