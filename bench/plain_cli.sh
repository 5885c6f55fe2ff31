#!/usr/bin/env bash
# The same work `pytest --goimage` does on example_project/, done by hand with the docker CLI:
# for each Dockerfile a BuildKit build, a private network with a fresh MinIO (random
# credentials), the service started beside it with the [tool.goimage.env] environment,
# /health polled to 200, the bucket polled with the minio client, the image size read and the
# binary checked for being static. Everything it creates is removed again, also on failure.
#
# Usage: bench/plain_cli.sh [EXAMPLE_DIR] [PYTHON]   (defaults: example_project, .venv/bin/python)
# Exits non-zero when a check fails. Polls sleep 0.05 s between attempts, as the plugin's
# backoff starts at 0.01 s and caps at 0.25 s.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
EXAMPLE="$(cd "${1:-$ROOT/example_project}" && pwd)"
PYTHON="${2:-$ROOT/.venv/bin/python}"
DOCKER=/usr/bin/docker            # the BuildKit-capable CLI
MINIO_IMAGE="${GOIMAGE_BENCH_MINIO_IMAGE:-goimage/minio:20260212201848-7aac2a2c5b7c}"
BUCKET=bookmarks
TIMEOUT=30                        # startup_timeout
RUN="gibench-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
LABEL="io.github.pytest-goimage.bench=$RUN"
WORK="$(mktemp -d)"
TAGS=()

cleanup() {
    local ids
    ids=$($DOCKER ps -aq --filter "label=$LABEL")
    [ -n "$ids" ] && $DOCKER rm -f -v $ids >/dev/null 2>&1 || true
    ids=$($DOCKER network ls -q --filter "label=$LABEL")
    [ -n "$ids" ] && $DOCKER network rm $ids >/dev/null 2>&1 || true
    [ "${#TAGS[@]}" -gt 0 ] && $DOCKER rmi "${TAGS[@]}" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL $*" >&2; exit 1; }

# poll CMD... until it succeeds or TIMEOUT seconds pass (0.05 s between attempts)
poll() {
    local deadline=$(( $(date +%s) + TIMEOUT ))
    until "$@"; do
        [ "$(date +%s)" -ge "$deadline" ] && return 1
        sleep 0.05
    done
}

# host port of a container's published port: `host_port CONTAINER 9000/tcp`
host_port() { $DOCKER port "$1" "$2" | head -n1 | sed 's/.*://'; }

check_image() {  # DOCKERFILE CONTEXT BUDGET_BYTES
    local dockerfile="$1" context="$2" budget="$3"
    local slug; slug=$(echo "$dockerfile" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9\n' '-')
    local tag="$RUN/$slug:bench"
    TAGS+=("$tag")

    # build
    DOCKER_BUILDKIT=1 $DOCKER build -q -f "$EXAMPLE/$dockerfile" -t "$tag" "$context" >/dev/null \
        || fail "$dockerfile: build"

    # size
    local size; size=$($DOCKER image inspect --format '{{.Size}}' "$tag")
    [ "$size" -le "$budget" ] || fail "$dockerfile: size $size > budget $budget"

    # static: copy the ENTRYPOINT binary out of a never-started container, look for PT_INTERP
    local binary; binary=$($DOCKER image inspect --format '{{index .Config.Entrypoint 0}}' "$tag")
    local reader; reader=$($DOCKER create --label "$LABEL" "$tag")
    $DOCKER cp -L "$reader:$binary" "$WORK/$slug.bin" >/dev/null
    $DOCKER rm -f "$reader" >/dev/null
    if readelf -l "$WORK/$slug.bin" | grep -q interpreter; then fail "$dockerfile: dynamic binary"; fi

    # MinIO on a private network, random credentials, port on 127.0.0.1 only
    local net="$RUN-$slug"
    $DOCKER network create --label "$LABEL" "$net" >/dev/null
    local user="bench$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    local pass; pass=$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')
    local minio; minio=$($DOCKER run -d --label "$LABEL" --network "$net" --network-alias minio \
        -p 127.0.0.1::9000 -e MINIO_ROOT_USER="$user" -e MINIO_ROOT_PASSWORD="$pass" \
        --name "$net-minio" "$MINIO_IMAGE")
    local mport; mport=$(host_port "$minio" 9000/tcp)
    poll curl -fs -o /dev/null "http://127.0.0.1:$mport/minio/health/live" \
        || fail "$dockerfile: MinIO not live"

    # the service, with the environment [tool.goimage.env] describes
    local svc; svc=$($DOCKER run -d --label "$LABEL" --network "$net" -p 127.0.0.1::8080 \
        -e STORAGE_ENDPOINT=minio:9000 -e STORAGE_ACCESS_KEY="$user" \
        -e STORAGE_SECRET_KEY="$pass" -e STORAGE_BUCKET="$BUCKET" -e STORAGE_USE_SSL=false \
        --name "$net-svc" "$tag")
    local sport; sport=$(host_port "$svc" 8080/tcp)
    poll curl -fs -o /dev/null "http://127.0.0.1:$sport/health" \
        || { $DOCKER logs --tail 15 "$svc" >&2; fail "$dockerfile: /health never 200"; }

    # the bucket, polled with the minio client
    "$PYTHON" -c '
import sys, time
from minio import Minio
client = Minio(sys.argv[1], sys.argv[2], sys.argv[3], secure=False)
deadline = time.monotonic() + float(sys.argv[5])
while not client.bucket_exists(sys.argv[4]):
    if time.monotonic() > deadline:
        sys.exit(f"bucket {sys.argv[4]} not created")
    time.sleep(0.05)
' "127.0.0.1:$mport" "$user" "$pass" "$BUCKET" "$TIMEOUT" || fail "$dockerfile: bucket"

    $DOCKER rm -f -v "$svc" "$minio" >/dev/null
    $DOCKER network rm "$net" >/dev/null
    echo "ok   $dockerfile  size=$size  binary=$binary"
}

check_image Dockerfile         "$EXAMPLE" 40000000
check_image Dockerfile.prod    "$EXAMPLE" 30000000
check_image backend/Dockerfile "$EXAMPLE" 40000000
