#!/usr/bin/env bash
# bench-accounts.sh measures `awsfed login` for N = 1, 5 and 20 accounts
# served by ONE sign-in against the sandbox: the IdP sign-in (form login),
# N AssumeRoleWithSAML at once from the same assertion, one locked atomic
# write of N profiles, and (row "+ verify") N GetCallerIdentity at once.
#
# It builds awsfed (CGO_ENABLED=0), starts `awsfed sandbox --team-accounts 20`
# (user team has a role in each of 20 accounts), writes a configuration with
# 20 accounts of one [idp], and times `awsfed login acct1 ... acctN --force`
# (--force: a fresh sign-in every run, nothing from the cache) with
# hyperfine. Every command runs in a clean environment (env -i) with a
# throw-away HOME.
#
# Usage: scripts/bench-accounts.sh      (from anywhere in the repository)
#   RUNS=30 scripts/bench-accounts.sh   hyperfine runs per row (default 30)
#   WARMUP=3                            warm-up runs (default 3)
#   MAX_LOAD=1                          before each row, wait (at most
#                                       WAIT=600 seconds) until the 1-minute
#                                       load average is at most this
# Needs: go, hyperfine (installed with apt-get when missing and run as root).
# Goal: N = 20 within 2x of N = 1. The machine should be quiet: each row
# shows the 1-minute load when it started and ended (a rise means others
# took CPU during the row: discard it), and the last line the ratios.
set -euo pipefail

RUNS=${RUNS:-30}
WARMUP=${WARMUP:-3}
MAX_LOAD=${MAX_LOAD:-}
WAIT=${WAIT:-600}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/awsfed-bench-accounts.XXXXXX")
sandbox_pid=""
cleanup() {
	if [[ -n $sandbox_pid ]]; then kill "$sandbox_pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

if ! command -v hyperfine >/dev/null; then
	if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
		apt-get install -y -qq hyperfine >/dev/null
	else
		echo "bench-accounts.sh: hyperfine is missing: apt-get install hyperfine" >&2
		exit 1
	fi
fi
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime; }
load1() { cut -d' ' -f1 /proc/loadavg; }
# quiet waits until the 1-minute load is at most MAX_LOAD, or WAIT seconds.
quiet() {
	[[ -n $MAX_LOAD ]] || return 0
	local waited=0
	while awk -v l="$(load1)" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }'; do
		if ((waited >= WAIT)); then
			echo "bench-accounts.sh: load still $(load1) after ${WAIT}s; measuring anyway" >&2
			return 0
		fi
		sleep 5
		waited=$((waited + 5))
	done
}
echo "cpus: $(nproc); load average before: $(load)"

bin=$tmp/awsfed
(cd "$root" && CGO_ENABLED=0 go build -trimpath -o "$bin" ./cmd/awsfed)
home=$tmp/home
mkdir -p "$home/.config/awsfed"
base_env=(env -i "HOME=$home" "PATH=/usr/local/bin:/usr/bin:/bin" "LANG=C.UTF-8" "AWS_CONFIG_FILE=$home/aws-config" "AWSFED_PASSWORD=team" "AWSFED_NO_PROMPT=1")

"${base_env[@]}" "$bin" sandbox --team-accounts 20 >"$tmp/sandbox.out" 2>"$tmp/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 100); do
	grep -q '^SIGNIN_URL=' "$tmp/sandbox.out" 2>/dev/null && break
	sleep 0.1
done
idp_url=$(sed -n 's/^IDP_URL=//p' "$tmp/sandbox.out")
sts_url=$(sed -n 's/^STS_URL=//p' "$tmp/sandbox.out")
if [[ -z $idp_url || -z $sts_url ]]; then
	echo "bench-accounts.sh: awsfed sandbox did not start:" >&2
	cat "$tmp/sandbox.err" >&2
	exit 1
fi

# The team user's accounts, as the sandbox names them (sandbox.TeamAccount).
account_id() {
	case $1 in
	1) echo 123456789012 ;;
	2) echo 210987654321 ;;
	3) echo 345678901234 ;;
	*) printf '1%011d' "$1" ;;
	esac
}
role_name() {
	case $1 in
	1) echo Dev ;;
	2) echo ReadOnly ;;
	3) echo Audit ;;
	*) echo Team ;;
	esac
}
{
	printf '[idp sb]\nprovider = form\nurl = %s\nusername = team\n' "$idp_url"
	for i in $(seq 20); do
		printf '\n[account acct%d]\nidp = sb\nrole_arn = arn:aws:iam::%s:role/%s\nsts_endpoint = %s\n' "$i" "$(account_id "$i")" "$(role_name "$i")" "$sts_url"
	done
} >"$home/.config/awsfed/config"

accounts() { for i in $(seq "$1"); do printf 'acct%d ' "$i"; done; }
# A first run proves the set-up works (and shows its result lines).
"${base_env[@]}" "$bin" login $(accounts 20) --force --no-verify

echo
echo "| accounts | login --no-verify (median, min) | login, keys verified (median, min) | 1-min load, start → end |"
echo "|---|---|---|---|"
declare -A median
for n in 1 5 20; do
	quiet
	row="| $n |"
	at=$(load1)
	for verify in --no-verify ""; do
		csv=$tmp/h.csv
		# shellcheck disable=SC2046
		"${base_env[@]}" hyperfine -N --style none -w "$WARMUP" -r "$RUNS" --export-csv "$csv" \
			"$bin login $(accounts "$n")--force $verify" >/dev/null 2>"$tmp/hyperfine.err" || {
			cat "$tmp/hyperfine.err" >&2
			exit 1
		}
		med=$(awk -F, 'NR==2 {printf "%.1f", $4*1000}' "$csv")
		min=$(awk -F, 'NR==2 {printf "%.1f", $7*1000}' "$csv")
		median[$n$verify]=$med
		row+=" $med ms ($min) |"
	done
	echo "$row $at → $(load1) |"
done
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "N = 20 / N = 1 (medians): $(ratio "${median[20--no-verify]}" "${median[1--no-verify]}")x with --no-verify, $(ratio "${median[20]}" "${median[1]}")x verified (goal: at most 2x)"
echo "load average after: $(load)"
