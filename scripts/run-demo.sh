#!/usr/bin/env bash
# `make run`: the whole product on one machine, nothing to configure.
#   1. validate the bundled examples and explain the demo SLA
#   2. generate rules, dashboards and Alertmanager routes for every example into ./out
#   3. start the demo target (a local service whose failures can be switched on),
#      the exporter probing it, and, when installed, a local Prometheus with the generated rules
# Everything listens on 127.0.0.1. Ctrl-C stops it all; RUN_SECONDS=N stops it after N seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

SLAFORGE=${SLAFORGE:-.venv/bin/slaforge}
OUT=${OUT:-out}
DEMO=examples/demo
TARGET_PORT=${TARGET_PORT:-8099}
EXPORTER_PORT=${EXPORTER_PORT:-9105}
PROM_PORT=${PROM_PORT:-9090}
RUN_SECONDS=${RUN_SECONDS:-0}

pids=()
cleanup() {
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

wait_http() {  # URL: wait up to 20s for it to answer
  for _ in $(seq 1 100); do
    "$PYTHON" - "$1" <<'PY' && return 0
import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=1).read()
except Exception:
    sys.exit(1)
PY
    sleep 0.2
  done
  echo "error: $1 did not answer" >&2
  return 1
}
PYTHON=$(dirname "$SLAFORGE")/python

echo "== slaforge validate examples/ $DEMO/"
"$SLAFORGE" validate examples "$DEMO"
echo "   all valid"
echo
echo "== slaforge explain $DEMO/"
"$SLAFORGE" explain "$DEMO"

echo "== slaforge generate examples/ $DEMO/ -o $OUT"
rm -rf "$OUT"
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
wait_http "http://127.0.0.1:$TARGET_PORT/healthz"

echo "== starting the exporter on 127.0.0.1:$EXPORTER_PORT"
"$SLAFORGE" exporter "$DEMO" --listen "127.0.0.1:$EXPORTER_PORT" > "$OUT/demo/exporter.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$EXPORTER_PORT/-/ready"

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
  wait_http "http://127.0.0.1:$PROM_PORT/-/ready"
  prom_line="   Prometheus  http://127.0.0.1:$PROM_PORT/alerts  (rules: $OUT/demo/demo.rules.yaml)"
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
