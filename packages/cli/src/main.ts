/** Entry point of the `ftpkit` program. */
export async function main(argv: string[]): Promise<void> {
  void argv;
  throw new Error('the server is not wired yet');
}
