#!/usr/bin/env bash
# Installs the real Prometheus-side tools the tests run against, from Debian, only when missing.
set -euo pipefail
need=()
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v prometheus-blackbox-exporter >/dev/null 2>&1 || need+=(prometheus-blackbox-exporter)
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
command -v vmalert >/dev/null 2>&1 && command -v victoria-metrics >/dev/null 2>&1 || need+=(victoria-metrics)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing: ${need[*]}; install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
echo "installing from Debian: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts the services it installs; the tests run their own on other ports.
for svc in prometheus prometheus-alertmanager prometheus-blackbox-exporter prometheus-node-exporter nginx victoria-metrics; do
  (systemctl stop "$svc" || service "$svc" stop) >/dev/null 2>&1 || true
done
