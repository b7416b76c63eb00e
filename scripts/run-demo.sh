#!/usr/bin/env bash
# `make run`: the whole product on one machine, nothing to configure.
#   1. validate the bundled examples and explain the demo SLA
#   2. generate rules, dashboards and Alertmanager routes for every example into ./out
#   3. start the demo target (a local service whose failures can be switched on),
#      the exporter probing it, and, when installed, a local Prometheus with the generated rules
# Everything listens on 127.0.0.1. Ctrl-C stops it all. The knobs (docs/getting-started.md):
#   OUT=out             the demo's output folder (recreated on every run; never a folder the demo did not make)
#   TARGET_PORT=8099    the demo target      EXPORTER_PORT=9105  the exporter      PROM_PORT=9090  Prometheus
#   RUN_SECONDS=0       stop by itself after N seconds (0: run until Ctrl-C)
set -euo pipefail
cd "$(dirname "$0")/.."

SLAFORGE=${SLAFORGE:-.venv/bin/slaforge}
OUT=${OUT:-out}
DEMO=examples/demo
TARGET_PORT=${TARGET_PORT:-8099}
EXPORTER_PORT=${EXPORTER_PORT:-9105}
PROM_PORT=${PROM_PORT:-9090}
RUN_SECONDS=${RUN_SECONDS:-0}
PYTHON=$(dirname "$SLAFORGE")/python
MARK=.slaforge-demo  # written into OUT by this script: only a folder carrying it is ever removed

fail() { echo "error: $*" >&2; exit 1; }

pids=()
cleanup() {
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

for knob in TARGET_PORT EXPORTER_PORT PROM_PORT RUN_SECONDS; do
  [[ "${!knob}" =~ ^[0-9]+$ ]] || fail "$knob must be a number, not '${!knob}'"
done

port_free() {  # NAME PORT: stop with a clear message when something already listens on 127.0.0.1:PORT
  "$PYTHON" - "$2" <<'PY' || fail "port $2 is in use; set $1=... to another port (e.g. $1=$(( $2 + 10000 )) make run)"
import socket, sys
with socket.socket() as s:
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
PY
}

answers() {  # URL: 0 when it answers 200 within a second
  "$PYTHON" - "$1" <<'PY'
import sys, urllib.request
try:
    sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=1).status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}

wait_ready() {  # NAME PID LOG URL: wait up to 20 s for URL; if the child dies first, show why from its log
  for _ in $(seq 1 100); do
    answers "$4" && return 0
    if ! kill -0 "$2" 2>/dev/null; then
      echo "error: $1 exited at start; the end of its log ($3):" >&2
      tail -n 15 "$3" | sed 's/^/   /' >&2
      exit 1
    fi
    sleep 0.2
  done
  fail "$1 did not answer $4 within 20 s; see $3"
}

prom_page() {  # PAGE: the URL of a Prometheus UI page (Debian's 2.42 serves its UI under /classic/)
  local base="http://127.0.0.1:$PROM_PORT"
  if answers "$base/$1"; then echo "$base/$1"; elif answers "$base/classic/$1"; then echo "$base/classic/$1";
  else echo "$base/$1"; fi
}

# OUT is removed and written again: refuse any folder this script did not make.
if [ -e "$OUT" ] && [ ! -e "$OUT/$MARK" ]; then
  if [ -d "$OUT" ] && [ -z "$(ls -A "$OUT")" ]; then :; else
    fail "OUT=$OUT exists and was not made by the demo (no $OUT/$MARK); choose another OUT or remove it yourself"
  fi
fi
port_free TARGET_PORT "$TARGET_PORT"
port_free EXPORTER_PORT "$EXPORTER_PORT"
if command -v prometheus >/dev/null 2>&1; then port_free PROM_PORT "$PROM_PORT"; fi

echo "== slaforge validate examples/ $DEMO/"
"$SLAFORGE" validate examples "$DEMO"
echo "   all valid"
echo
echo "== slaforge explain $DEMO/"
"$SLAFORGE" explain "$DEMO"

echo "== slaforge generate examples/ $DEMO/ -o $OUT"
rm -rf "$OUT"
mkdir -p "$OUT"
touch "$OUT/$MARK"
"$SLAFORGE" generate examples "$DEMO" -o "$OUT"
"$SLAFORGE" rules "$DEMO" -o "$OUT/demo/demo.rules.yaml"
if command -v promtool >/dev/null 2>&1; then
  promtool check rules "$OUT/rules/slaforge.rules.yaml" 2>&1 | grep -E "SUCCESS|FAILED" || true
fi
mkdir -p "$OUT/demo"

echo
echo "== starting the demo target on 127.0.0.1:$TARGET_PORT"
"$SLAFORGE" demo-target --listen "127.0.0.1:$TARGET_PORT" > "$OUT/demo/target.log" 2>&1 &
pids+=($!)
wait_ready "the demo target" $! "$OUT/demo/target.log" "http://127.0.0.1:$TARGET_PORT/healthz"

echo "== starting the exporter on 127.0.0.1:$EXPORTER_PORT"
"$SLAFORGE" exporter "$DEMO" --listen "127.0.0.1:$EXPORTER_PORT" > "$OUT/demo/exporter.log" 2>&1 &
pids+=($!)
wait_ready "the exporter" $! "$OUT/demo/exporter.log" "http://127.0.0.1:$EXPORTER_PORT/-/ready"

prom_line="   Prometheus  not installed (apt-get install prometheus) - skipped"
if command -v prometheus >/dev/null 2>&1; then
  cat > "$OUT/demo/prometheus.yml" <<YAML
global: {scrape_interval: 5s, evaluation_interval: 5s}
rule_files: [demo.rules.yaml]
scrape_configs:
  - job_name: slaforge-exporter
    static_configs: [{targets: ["127.0.0.1:$EXPORTER_PORT"]}]
  - job_name: demo-target
    static_configs: [{targets: ["127.0.0.1:$TARGET_PORT"]}]
YAML
  echo "== starting Prometheus on 127.0.0.1:$PROM_PORT"
  prometheus --config.file="$OUT/demo/prometheus.yml" --storage.tsdb.path="$OUT/demo/prometheus-data" \
    --web.listen-address="127.0.0.1:$PROM_PORT" > "$OUT/demo/prometheus.log" 2>&1 &
  pids+=($!)
  wait_ready "Prometheus" $! "$OUT/demo/prometheus.log" "http://127.0.0.1:$PROM_PORT/-/ready"
  prom_line="   Prometheus  $(prom_page alerts)  (alerts)
               $(prom_page rules)  (rules: $OUT/demo/demo.rules.yaml)"
fi

cat <<TXT

slaforge is running. Open:
   status page http://127.0.0.1:$EXPORTER_PORT/           (every SLA, probe and objective)
   metrics     http://127.0.0.1:$EXPORTER_PORT/metrics
$prom_line
   generated   $OUT/rules/  $OUT/grafana/  $OUT/alertmanager/

Watch a burn: make the demo target fail, then recover it:
   curl -X POST 'http://127.0.0.1:$TARGET_PORT/-/fail?mode=error'
   curl -X POST 'http://127.0.0.1:$TARGET_PORT/-/recover'
Logs are in $OUT/demo/. Ctrl-C stops everything.
TXT

if [ "$RUN_SECONDS" -gt 0 ]; then
  sleep "$RUN_SECONDS"
else
  wait
fi
