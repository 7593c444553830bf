/** Bearer-token checks for the admin API, in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * A check of `Authorization` headers against `token`. Both sides are hashed first, so
 * the comparison takes the same time whatever the length or content of the guess.
 */
export function bearerCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    // A missing header is still hashed and compared, so it takes as long as a wrong one.
    return timingSafeEqual(digest(m?.[1] ?? ''), expected) && m !== null;
  };
}
