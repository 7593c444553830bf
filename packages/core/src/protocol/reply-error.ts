/**
 * An FTP reply raised as an error: a command handler (built-in or a host's) throws it
 * to answer the client with a specific code and end the command.
 */
export class ReplyError extends Error {
  override readonly name = 'ReplyError';
  /**
   * @param code FTP reply code, e.g. 550
   * @param message reply text sent to the client
   */
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
