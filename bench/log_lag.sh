#!/usr/bin/env bash
# Lag from PutLogEvents returning to the line appearing on a follower's stdout, against a local
# moto server: `baseline-panel logs --follow --source run` side by side with an AWS CLI polling
# loop (`aws logs filter-log-events` every second; AWS CLI v1 has no `aws logs tail`).
#
#   bench/log_lag.sh                 # 40 probes, one every ~0.7 s (jittered)
#   N=100 INTERVAL=0.5 BIN=path/to/baseline-panel bench/log_lag.sh
#
# Needs moto_server, boto3 and the AWS CLI (scripts/test installs them) and a built binary
# (default: $CARGO_TARGET_DIR or target/, debug profile).
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD
N=${N:-40}
INTERVAL=${INTERVAL:-0.7}
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/debug/baseline-panel}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
[ -x "$BIN" ] || { echo "no binary at $BIN: build it (cargo build) or set BIN" >&2; exit 1; }

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
set -m # each background pipeline gets its own process group, stopped as a whole below
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto=$(jobs -p %%)
groups=()
cleanup() {
  for g in "${groups[@]}"; do kill -- "-$g" 2>/dev/null || true; done
  kill -- "-$moto" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 100); do
  (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
unset AWS_PROFILE
id=$(python3 bench/put_events.py setup)
group=/baseline-model/run

# Ours: an isolated HOME/XDG so no user config or .env is read.
mkdir -p "$work/home"
(cd "$work" && HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_STATE_HOME="$work/home/.state" \
  "$BIN" logs --follow --source run --since 5m 2>"$work/ours.err" |
  python3 "$here/bench/put_events.py" stamp >"$work/ours.tsv") &
groups+=("$(jobs -p %%)")

# The AWS CLI, polling every second over the last 10 s, de-duplicated by event id.
(while :; do
  start=$(( $(date +%s%3N) - 10000 ))
  aws logs filter-log-events --log-group-name "$group" --log-stream-names "$id" \
    --start-time "$start" --query 'events[].[eventId,message]' --output text || true
  sleep 1
done | python3 bench/put_events.py stamp --dedup >"$work/cli.tsv") &
groups+=("$(jobs -p %%)")

sleep 3 # both followers up
python3 bench/put_events.py put --stream "$id" --n "$N" --interval "$INTERVAL" >"$work/puts.tsv"
sleep 4 # the last probes arrive
echo "lag from PutLogEvents returning to the line on stdout ($N probes, moto on 127.0.0.1):"
python3 bench/put_events.py report "$work/puts.tsv" \
  "baseline-panel logs --follow=$work/ours.tsv" \
  "aws logs filter-log-events, 1 s loop=$work/cli.tsv"
echo "baseline-panel said: $(tr '\n' ' ' <"$work/ours.err")"
