/** Problems of the machine rather than of the command line, found before serving. */

/**
 * Something the program needs at startup is not there (a busy port, an unresolvable
 * host name): printed as one line, and the program exits with status 2 like a bad flag.
 */
export class StartupError extends Error {
  override readonly name: string = 'StartupError';
}
