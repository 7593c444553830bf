#!/usr/bin/env bash
# Holds N (default 10,000) concurrent logged-in idle sessions against a server in a
# separate process, checks that every one answers NOOP, and reports memory per session.
#   scripts/scale.sh [sessions]
set -euo pipefail
cd "$(dirname "$0")/.."
# The server and the client process each hold one descriptor per session.
ulimit -n "$(ulimit -Hn)"
need=$(( ${1:-10000} + 200 ))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  echo "scale: the file-descriptor limit $(ulimit -n) is below $need; raise the hard limit (ulimit -Hn)" >&2
  exit 1
fi
exec node --conditions=@ftpkit/source --import tsx scripts/scale/run.ts "$@"
