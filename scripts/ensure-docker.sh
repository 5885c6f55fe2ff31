#!/usr/bin/env bash
# Make sure a Docker engine answers, starting one only where none runs.
# Idempotent and non-interactive. On a laptop or hosted CI runner where
# `docker info` already works, it changes nothing.
set -euo pipefail

LOG=${GOIMAGE_DOCKERD_LOG:-/var/log/goimage-dockerd.log}
WAIT_SECONDS=${GOIMAGE_DOCKERD_WAIT:-60}

# A BuildKit-capable client: prefer the first docker on PATH that can build
# with BuildKit without buildx (Debian's 20.10 CLI), else any docker.
pick_client() {
  local c
  for c in $(which -a docker 2>/dev/null) /usr/bin/docker; do
    [ -x "$c" ] || continue
    if "$c" buildx version >/dev/null 2>&1; then echo "$c"; return; fi
    # Clients before 23.0 build with BuildKit natively.
    local major
    major=$("$c" version --format '{{.Client.Version}}' 2>/dev/null | cut -d. -f1 || true)
    if [ -n "$major" ] && [ "$major" -lt 23 ] 2>/dev/null; then echo "$c"; return; fi
  done
}

engine_answers() {
  local c
  c=$(command -v docker || echo /usr/bin/docker)
  timeout 10 "$c" info >/dev/null 2>&1
}

if engine_answers; then
  echo "ensure-docker: a Docker engine answers; nothing to do."
else
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "ensure-docker: no Docker engine answers (docker info failed) and this is not root with apt-get." >&2
    echo "Install and start Docker (https://docs.docker.com/engine/install/), or set DOCKER_HOST to a running engine, then rerun." >&2
    exit 1
  fi
  if ! command -v dockerd >/dev/null; then
    echo "ensure-docker: installing Debian's docker.io (engine, containerd, runc)..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq docker.io >/dev/null
  fi
  if ! pgrep -x dockerd >/dev/null; then
    # A daemon killed with its machine leaves its pid file; dockerd then refuses to start.
    for f in /var/run/docker.pid /run/docker.pid /var/run/docker/containerd/containerd.pid; do
      [ -e "$f" ] && { echo "ensure-docker: removing stale $f"; rm -f "$f"; }
    done
    # Where no daemon.json configures the engine, bound BuildKit's cache: Debian's 20.10 does
    # not collect it, and a machine that runs the suite all day filled its disk (74 GB).
    config=()
    if [ ! -e /etc/docker/daemon.json ]; then
      mkdir -p /etc/docker
      printf '{"builder": {"gc": {"enabled": true, "defaultKeepStorage": "%s"}}}\n' \
        "${GOIMAGE_BUILD_CACHE_KEEP:-20GB}" >/etc/docker/goimage-daemon.json
      config=(--config-file /etc/docker/goimage-daemon.json)
      echo "ensure-docker: build cache kept under ${GOIMAGE_BUILD_CACHE_KEEP:-20GB} (/etc/docker/goimage-daemon.json)"
    fi
    echo "ensure-docker: starting dockerd (log: $LOG)"
    nohup dockerd "${config[@]}" >"$LOG" 2>&1 &
  fi
  deadline=$((SECONDS + WAIT_SECONDS))
  until engine_answers; do
    if [ $SECONDS -ge $deadline ]; then
      echo "ensure-docker: dockerd did not answer within ${WAIT_SECONDS}s; last lines of $LOG:" >&2
      tail -n 20 "$LOG" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  echo "ensure-docker: engine ready."
fi

client=$(pick_client || true)
if [ -z "$client" ]; then
  echo "ensure-docker: no docker CLI here builds with BuildKit (needs the buildx plugin, or a client older than 23.0)." >&2
  echo "The plugin builds through the Engine API and does not need it; the benchmark's plain-CLI script does." >&2
else
  echo "ensure-docker: BuildKit-capable CLI: $client"
fi
