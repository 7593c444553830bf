/** Splitting a control line into verb and argument. */

/** One parsed command line. */
export interface ParsedCommand {
  /** Upper-cased verb, e.g. `RETR`. */
  verb: string;
  /** Everything after the first space, verbatim (may contain spaces, quotes, dashes). */
  arg: string;
}

/** Parse a line; the verb is case-insensitive, the argument is kept as sent. */
export function parseCommandLine(line: string): ParsedCommand {
  const space = line.indexOf(' ');
  if (space === -1) return { verb: line.toUpperCase(), arg: '' };
  return { verb: line.slice(0, space).toUpperCase(), arg: line.slice(space + 1) };
}
