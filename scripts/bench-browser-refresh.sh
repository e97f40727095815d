#!/usr/bin/env bash
# Benchmark of the browser provider's silent refresh: `awsfed credential-process`
# with no cached keys and no display, while the IdP session lives, against the
# project's SimpleSAMLphp and the sandbox STS (after one sign-in in a visible
# Chromium under Xvfb, typed with xdotool). Prints the median wall time and its
# parts: browser start, IdP round trips, browser close, the rest (process,
# configuration, STS, files). Needs: simplesamlphp php-cli php-xml php-mbstring
# xmlsec1 openssl curl awscli chromium xvfb xdotool (see .ci/run).
# Usage: scripts/bench-browser-refresh.sh [RUNS]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; $(chromium --version 2>/dev/null | head -1)"
go test -run '^$' -bench '^BenchmarkBrowserSilentRefresh$' -benchtime "${runs}x" -count 1 ./internal/e2e/ |
  grep -E '^(Benchmark|    browser_bench_test|ok|FAIL|--- )'
