/**
 * The dashboard page: one HTML file with its script and style inline, shipped in the
 * package (`dashboard/index.html`), served with a Content-Security-Policy that allows
 * exactly those inline blocks (by hash) and requests to this origin only.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** The page as served: its bytes and headers. */
export interface DashboardPage {
  body: Buffer;
  headers: Record<string, string>;
}

// From src/admin/ and from dist/admin/ alike, the page is two levels up.
const pageUrl = new URL('../../dashboard/index.html', import.meta.url);

const hashes = (html: string, tag: string) =>
  [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`,
  );

/** Read the page and work out its policy. */
export async function loadDashboard(): Promise<DashboardPage> {
  const html = await readFile(pageUrl, 'utf8');
  const policy = [
    "default-src 'none'",
    `script-src ${hashes(html, 'script').join(' ')}`,
    `style-src ${hashes(html, 'style').join(' ')}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const body = Buffer.from(html, 'utf8');
  return {
    body,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': String(body.length), 'content-security-policy': policy },
  };
}
