/**
 * Reply formatting (RFC 959 section 4.2). A text with several lines becomes a
 * multi-line reply: `123-first`, continuation lines indented by one space, `123 last`.
 * CR, LF and NUL never reach the wire inside a line, so no text (an adapter's error
 * message, a file name) can forge an extra reply.
 */

function clean(line: string): string {
  return line.replace(/[\r\0]/g, '');
}

/** Format a reply for the wire, including the final CRLF. */
export function formatReply(code: number, text: string | readonly string[]): string {
  // The common case, one clean line, without the splitting below (every reply pays it).
  if (typeof text === 'string' && !/[\n\r\0]/.test(text)) return `${code} ${text}\r\n`;
  const lines = (typeof text === 'string' ? text.split('\n') : text.flatMap((t) => t.split('\n'))).map(clean);
  if (lines.length <= 1) return `${code} ${lines[0] ?? ''}\r\n`;
  const first = `${code}-${lines[0]}\r\n`;
  const middle = lines
    .slice(1, -1)
    .map((l) => (l.startsWith(' ') ? l : ` ${l}`) + '\r\n')
    .join('');
  return `${first}${middle}${code} ${lines[lines.length - 1]}\r\n`;
}
