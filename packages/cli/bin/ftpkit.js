#!/usr/bin/env node
// The AWS SDK warns on every start under Node < 22 about its future support policy; in a
// command-line program that noise hides the one-line messages users act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { main } = await import('../dist/main.js');

main(process.argv.slice(2)).catch((err) => {
  console.error(`ftpkit: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
