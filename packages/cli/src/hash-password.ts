/**
 * `ftpkit hash-password`: prints the scrypt hash of a password for the config file.
 * The password comes from standard input when it is piped (first line), or from a
 * prompt (asked twice, not echoed) on a terminal; never from the command line, where
 * it would land in the shell history and the process list.
 */
import { createInterface } from 'node:readline';
import { hashPassword } from './password.js';

/** First line of standard input, without its line ending. */
async function readFirstLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

/** Read a line from the terminal without echoing it. */
function prompt(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const onData = (text: string) => {
      for (const char of text) {
        if (char === '\r' || char === '\n') {
          done();
          return resolve(value);
        }
        if (char === '\u0003') {
          done();
          return reject(new Error('cancelled'));
        }
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

/** Run the subcommand; resolves with the exit status. */
export async function hashPasswordCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('Usage: ftpkit hash-password < password-file\n       ftpkit hash-password   (prompts on a terminal)\n');
    return 0;
  }
  if (args.length > 0) {
    process.stderr.write('ftpkit: hash-password takes no arguments; give the password on standard input\n');
    return 2;
  }
  let password: string;
  if (process.stdin.isTTY) {
    password = await prompt('Password: ');
    if ((await prompt('Again: ')) !== password) {
      process.stderr.write('ftpkit: the passwords do not match\n');
      return 1;
    }
  } else {
    password = await readFirstLine();
  }
  if (!password) {
    process.stderr.write('ftpkit: empty password\n');
    return 1;
  }
  process.stdout.write(`${await hashPassword(password)}\n`);
  return 0;
}
