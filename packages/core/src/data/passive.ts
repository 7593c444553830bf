/**
 * Passive data listeners. With a configured range, ports are handed out round-robin
 * from a random start and a port that is busy (EADDRINUSE) is simply skipped, so there
 * is no test-bind race; without one the OS picks a free port.
 */
import { createServer, type Server } from 'node:net';
import type { PortRange } from '../options.js';

export class PassivePortPool {
  private cursor: number;

  /** @param highWaterMark stream buffer of each data connection, see `dataBufferSize` */
  constructor(
    private readonly range: PortRange | undefined,
    private readonly highWaterMark: number,
  ) {
    this.cursor = range ? Math.floor(Math.random() * (range.max - range.min + 1)) : 0;
  }

  /** A listening server on `host`; rejects when every port in the range is taken. */
  async listen(host: string): Promise<Server> {
    if (!this.range) return listenOn(host, 0, this.highWaterMark);
    const size = this.range.max - this.range.min + 1;
    for (let attempt = 0; attempt < size; attempt++) {
      const port = this.range.min + (this.cursor++ % size);
      try {
        return await listenOn(host, port, this.highWaterMark);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      }
    }
    throw new Error('no free passive port in the configured range');
  }
}

function listenOn(host: string, port: number, highWaterMark: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer({ pauseOnConnect: true, noDelay: true, highWaterMark });
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
