#!/usr/bin/env bash
# bench.sh measures awsfed's start-up as a whole process: what a user (or an
# AWS tool running credential_process) waits for, from exec to exit.
#
# It builds awsfed, starts `awsfed sandbox` in the background, signs in once
# with `awsfed credential-process dev` (AWSFED_PASSWORD=demo) so that the
# cache holds keys, STOPS the sandbox (so a cache hit that still went to the
# network would fail instead of looking fast), then measures:
#   - awsfed --version
#   - awsfed credential-process dev, served from the cache
#     (plain; DISABLE_KWALLET=1; and, when dbus-daemon is installed, with a
#     private D-Bus session bus in DBUS_SESSION_BUS_ADDRESS: nothing may
#     connect to it before main. github.com/99designs/keyring, once linked,
#     did so in two inits (kwallet.go, which DISABLE_KWALLET=1 skips, and
#     secretservice.go, which nothing skips) and ran dbus-launch when no bus
#     was found)
#   - awsfed demo (sandbox start with a fresh RSA key, form login,
#     AssumeRoleWithSAML, file write, GetCallerIdentity), DEMO_RUNS times
#   - the same cache hit with a binary built with -ldflags='-s -w', and with
#     one built with CGO_ENABLED=0 (static: no dynamic loader, no libc, pure
#     Go os/user lookups)
#   - the floor: a static Go program that only reads the cache file and
#     prints it, built here the same way; what any Go credential_process
#     costs on this machine
#   - with BASE=REV, the static cache hit of awsfed built from git revision
#     REV (git archive), measured right after the current one
# Wall time is hyperfine's median (and min); peak RSS and minor page faults
# are medians over RSS_RUNS runs of /usr/bin/time -f '%M %R'. Every command
# runs in a clean environment (env -i) with a throw-away HOME. Last, the
# package inits of the static cache hit (GODEBUG=inittrace=1): their count,
# total clock and bytes, and the largest.
#
# Usage: scripts/bench.sh            (from anywhere in the repository)
#   RUNS=200 scripts/bench.sh        hyperfine runs per row (default 100)
#   RSS_RUNS=20                      runs for the peak RSS median (default 20)
#   WARMUP=5                         hyperfine warm-up runs (default 5)
#   DEMO_RUNS=40                     runs of awsfed demo (default 40; 0 skips it)
#   BASE=HEAD~3                      also measure the static cache hit of that revision
# Needs: go, hyperfine (installed with apt-get when missing and run as root),
# GNU time at /usr/bin/time. Targets: credential-process cache hit median
# < 5 ms and peak RSS < 20 MB. The machine should be quiet: the script prints
# the load average before and after; rerun when it was high.
set -euo pipefail

RUNS=${RUNS:-100}
RSS_RUNS=${RSS_RUNS:-20}
DEMO_RUNS=${DEMO_RUNS:-40}
WARMUP=${WARMUP:-5}
BASE=${BASE:-}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/awsfed-bench.XXXXXX")
sandbox_pid=""
dbus_pid=""
cleanup() {
	if [[ -n $sandbox_pid ]]; then kill "$sandbox_pid" 2>/dev/null || true; fi
	if [[ -n $dbus_pid ]]; then kill "$dbus_pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

need_hyperfine() {
	command -v hyperfine >/dev/null && return
	if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
		echo "installing hyperfine..." >&2
		apt-get install -y -qq hyperfine >/dev/null
		return
	fi
	echo "bench.sh: hyperfine is missing: apt-get install hyperfine (or cargo install hyperfine)" >&2
	exit 1
}
need_hyperfine
if [[ ! -x /usr/bin/time ]]; then
	echo "bench.sh: GNU time is missing: apt-get install time" >&2
	exit 1
fi

load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime; }
busy() {
	awk -v n="$(nproc)" '{ if ($1 > n / 2) print "WARNING: load " $1 " on " n " CPUs: the numbers are noisy; rerun when the machine is quiet" }' /proc/loadavg 2>/dev/null || true
}
echo "cpus: $(nproc); load average before: $(load)"
busy

bin=$tmp/awsfed
stripped=$tmp/awsfed-stripped
static=$tmp/awsfed-static
(cd "$root" && go build -trimpath -o "$bin" ./cmd/awsfed)
(cd "$root" && go build -trimpath -ldflags='-s -w' -o "$stripped" ./cmd/awsfed)
(cd "$root" && CGO_ENABLED=0 go build -trimpath -o "$static" ./cmd/awsfed)
based=$tmp/awsfed-base
if [[ -n $BASE ]]; then
	mkdir "$tmp/base"
	git -C "$root" archive "$BASE" | tar -x -C "$tmp/base"
	(cd "$tmp/base" && CGO_ENABLED=0 go build -trimpath -o "$based" ./cmd/awsfed)
fi
floor=$tmp/floor
mkdir "$tmp/floor-src"
printf 'module floor\n\ngo 1.21\n' >"$tmp/floor-src/go.mod"
cat >"$tmp/floor-src/main.go" <<'EOF'
// The floor: read one file, print it.
package main

import "os"

func main() {
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		os.Exit(1)
	}
	os.Stdout.Write(b)
}
EOF
(cd "$tmp/floor-src" && CGO_ENABLED=0 go build -trimpath -o "$floor" .)
size() { echo "$(($(stat -c %s "$1") / 1024)) KiB"; }
echo "binary: $(size "$bin") (CGO_ENABLED=$(cd "$root" && go env CGO_ENABLED)); -s -w: $(size "$stripped"); CGO_ENABLED=0: $(size "$static"); $("$bin" --version)"

home=$tmp/home
mkdir -p "$home"
base_env=(env -i "HOME=$home" "PATH=/usr/local/bin:/usr/bin:/bin" "LANG=C.UTF-8" "AWS_CONFIG_FILE=$home/aws-config")

# The sandbox prints IDP_URL=... and STS_URL=... first.
"${base_env[@]}" "$bin" sandbox >"$tmp/sandbox.out" 2>"$tmp/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 100); do
	grep -q '^STS_URL=' "$tmp/sandbox.out" 2>/dev/null && break
	sleep 0.1
done
idp_url=$(sed -n 's/^IDP_URL=//p' "$tmp/sandbox.out")
sts_url=$(sed -n 's/^STS_URL=//p' "$tmp/sandbox.out")
if [[ -z $idp_url || -z $sts_url ]]; then
	echo "bench.sh: awsfed sandbox did not start:" >&2
	cat "$tmp/sandbox.err" >&2
	exit 1
fi
mkdir -p "$home/.config/awsfed"
cat >"$home/.config/awsfed/config" <<EOF
[idp sb]
provider = form
url = $idp_url
username = demo

[account dev]
idp = sb
role_arn = Dev
sts_endpoint = $sts_url
EOF
"${base_env[@]}" AWSFED_PASSWORD=demo "$bin" credential-process dev >/dev/null
kill "$sandbox_pid"
wait "$sandbox_pid" 2>/dev/null || true
sandbox_pid=""
# From here on a network call would fail: only the cache can answer.
"${base_env[@]}" AWSFED_NO_PROMPT=1 "$bin" credential-process dev >/dev/null

median() { sort -n | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
cache_file=$(ls "$home"/.cache/awsfed/dev@*.json | head -n1)

# measure NAME ENV... -- CMD ARGS...: one table row.
measure() {
	local name=$1 # no commas: it goes into a CSV file
	shift
	local envs=()
	while [[ $1 != -- ]]; do
		envs+=("$1")
		shift
	done
	shift
	local csv=$tmp/h.csv
	if ! "${base_env[@]}" "${envs[@]}" hyperfine -N --style none -w "$WARMUP" -r "$RUNS" \
		--export-csv "$csv" -n "$name" "$*" >/dev/null 2>"$tmp/hyperfine.err"; then
		cat "$tmp/hyperfine.err" >&2
		exit 1
	fi
	local note=""
	if grep -q outliers "$tmp/hyperfine.err"; then note=" (outliers)"; fi
	# hyperfine's CSV: command,mean,stddev,median,user,system,min,max (seconds)
	local med min
	med=$(awk -F, 'NR==2 {printf "%.1f", $4*1000}' "$csv")
	min=$(awk -F, 'NR==2 {printf "%.1f", $7*1000}' "$csv")
	local rss faults
	for _ in $(seq "$RSS_RUNS"); do
		"${base_env[@]}" "${envs[@]}" /usr/bin/time -f '%M %R' -o "$tmp/rss" "$@" >/dev/null 2>&1
		cat "$tmp/rss"
	done >"$tmp/rss-runs"
	rss=$(cut -d' ' -f1 "$tmp/rss-runs" | median)
	faults=$(cut -d' ' -f2 "$tmp/rss-runs" | median)
	printf '| %s | %s ms (min %s)%s | %.1f MB | %s |\n' "$name" "$med" "$min" "$note" "$(awk -v k="$rss" 'BEGIN {print k/1024}')" "$faults"
}

# inits BINARY: the package inits of its cache hit, from GODEBUG=inittrace=1.
inits() {
	"${base_env[@]}" GODEBUG=inittrace=1 "$1" credential-process dev 2>&1 >/dev/null | grep '^init ' >"$tmp/inits" || true
	awk '{n++; ms+=$5; b+=$8} END {printf "%d package inits, %.2f ms clock, %d bytes; the largest:\n", n, ms, b}' "$tmp/inits"
	sort -k5 -rn "$tmp/inits" | head -n 8 | awk '{printf "  %s: %s ms, %s bytes\n", $2, $5, $8}'
}

echo
echo "| what | median wall | peak RSS (median) | minor page faults (median) |"
echo "|---|---|---|---|"
measure "floor: a static Go program that prints the cache file" -- "$floor" "$cache_file"
measure "awsfed --version" -- "$bin" --version
measure "credential-process dev (cache hit)" -- "$bin" credential-process dev
measure "credential-process: DISABLE_KWALLET=1" DISABLE_KWALLET=1 -- "$bin" credential-process dev
measure "credential-process: stripped (-s -w)" -- "$stripped" credential-process dev
measure "credential-process: CGO_ENABLED=0" -- "$static" credential-process dev
if [[ -n $BASE ]]; then
	measure "credential-process: CGO_ENABLED=0 at $BASE" -- "$based" credential-process dev
fi
if ((DEMO_RUNS > 0)); then
	RUNS=$DEMO_RUNS RSS_RUNS=$((DEMO_RUNS < RSS_RUNS ? DEMO_RUNS : RSS_RUNS)) WARMUP=3 \
		measure "awsfed demo" -- "$bin" demo
fi
if command -v dbus-daemon >/dev/null; then
	dbus_addr=$(dbus-daemon --session --fork --print-address=1 --print-pid=3 3>"$tmp/dbus.pid" | head -n1)
	dbus_pid=$(cat "$tmp/dbus.pid")
	measure "credential-process: D-Bus session bus" "DBUS_SESSION_BUS_ADDRESS=$dbus_addr" -- "$bin" credential-process dev
	measure "credential-process: D-Bus bus + CGO_ENABLED=0" "DBUS_SESSION_BUS_ADDRESS=$dbus_addr" -- "$static" credential-process dev
fi
echo
echo "CGO_ENABLED=0 cache hit: $(inits "$static")"
if [[ -n $BASE ]]; then
	echo "at $BASE: $(inits "$based")"
fi
echo
echo "load average after: $(load)"
busy
