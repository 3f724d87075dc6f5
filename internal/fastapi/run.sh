#!/usr/bin/env bash
# run.sh [humm-contract run flags...]: runs the contract suite against the
# FastAPI app (app.py on the stack's sources, under uvicorn), serving the
# world of the Go mock's seed: assembles the stack into a temporary
# directory, starts the mock and the app on free loopback ports, loads the
# mock's state into the app, runs `humm-contract run` with the mock's
# profile and the flags given (for instance --generated, or --generated
# --spec internal/fastapi/openapi-default-ids.json), stops both and exits
# with the suite's status.
#
# Environment: PYTHON (default python3), SEED (default 1), MEMBERS (grow the
# profile's organization to that many members, as humm-mock --members does),
# HUMM_OPERATION_IDS (default default), MIRRORS (see stack.sh).
# Needs the git mirrors: CI does not run it (README.md).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${PYTHON:-python3}
tmp=$(mktemp -d)
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap stop EXIT

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for URL PID NAME: until URL answers, or NAME's process has gone.
wait_for() {
  for _ in $(seq 300); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || { echo "run.sh: $3 exited (log: $tmp/$3.log)" >&2; cat "$tmp/$3.log" >&2; return 1; }
    sleep 0.1
  done
  echo "run.sh: $3 did not answer at $1" >&2
  return 1
}

pythonpath=$("$here/stack.sh" "$tmp/stack")
(cd "$root" && go build -o "$tmp/bin/" ./cmd/humm-mock ./cmd/humm-contract)

mock_port=$(free_port)
"$tmp/bin/humm-mock" --addr "127.0.0.1:$mock_port" --seed "${SEED:-1}" ${MEMBERS:+--members "$MEMBERS"} >"$tmp/mock.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$mock_port/__mock/profile" "$!" mock
curl -sf "http://127.0.0.1:$mock_port/__mock/profile" >"$tmp/profile.json"
curl -sf "http://127.0.0.1:$mock_port/__mock/state" >"$tmp/state.json"

app_port=$(free_port)
(cd "$here" && HUMM_STATE=$tmp/state.json PYTHONPATH=$pythonpath exec "$python" -B -m uvicorn app:app \
  --host 127.0.0.1 --port "$app_port" --no-access-log) >"$tmp/app.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$app_port/openapi.json" "$!" app

status=0
(cd "$root" && "$tmp/bin/humm-contract" run --base-url "http://127.0.0.1:$app_port" \
  --profile "$tmp/profile.json" "$@") || status=$?
exit "$status"
