#!/usr/bin/env bash
# The work `pytest --goimage` does on example_project/ (every built-in check, 3 images), done by
# hand with the docker CLI, curl and git, one image after the other: the shell floor the plugin is
# measured against. bench/README.md lists what each side does check by check.
#
# Per Dockerfile: tracked (git status of the Go build inputs), a BuildKit build with
# --build-arg GIT_SHA=<HEAD> (the plugin's build_args GIT_SHA = "{git.head}"), one `docker image
# inspect` for size, metadata, user and provenance (the revision label is HEAD), secrets (ENV,
# build history, and the names in the image's file listing), static (the ENTRYPOINT binary copied
# out of a never-started container: readelf finds no interpreter, `go version -m` says
# CGO_ENABLED=0), go-version (the binary's Go against go.mod's toolchain, the Dockerfile's golang
# tag and the workflows' go-version pins), then a private network with a fresh MinIO (random
# credentials) and, for backend/Dockerfile, a real Redis (`redis:7`, alias `cache`), both waited
# for (MinIO: /minio/health/ready 200 and an S3 ListBuckets answering, as the plugin waits; Redis:
# PING answered with PONG), the service with the [tool.goimage.env] environment, /health polled
# to 200 and the bucket polled with `curl --aws-sigv4` (HEAD bucket). At the end, parity: the
# binaries that build the same main package agree on how (`go version -m`). Everything it creates
# is removed again, also on failure.
#
# Usage: bench/plain_cli.sh [EXAMPLE_DIR]   (default: example_project; must be a git checkout)
# Exits non-zero when a check fails. Polls back off as the plugin's do (0.01 s, x1.5, cap 0.25 s).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
EXAMPLE="$(cd "${1:-$ROOT/example_project}" && pwd)"
DOCKER=/usr/bin/docker            # the BuildKit-capable CLI
MINIO_IMAGE="${GOIMAGE_BENCH_MINIO_IMAGE:-goimage/minio:20260212201848-7aac2a2c5b7c}"
REDIS_IMAGE=redis:7               # example_project/pyproject.toml dependencies.cache
BUCKET=bookmarks
TIMEOUT=30                        # startup_timeout
RUN="gibench-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
LABEL="io.github.pytest-goimage.bench=$RUN"
WORK="$(mktemp -d)"
TAGS=()
PARITY=()
GIT_SHA="$(git -C "$EXAMPLE" rev-parse HEAD)"
# The plugin's secret-looking variable names (gofacts/secrets_scan.py) and key-file names.
SECRET_NAME='(SECRET|PASSW(OR)?D|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH)'
HARMLESS_NAME='(_FILE|_PATH|_DIR|_URL|_ENDPOINT|_ID|_HEADER|_NAME)'
SECRET_VALUE='(AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|glpat-[A-Za-z0-9_-]{20,}|xox[abprs]-|[sr]k_live_|AIza[A-Za-z0-9_-]{35}|://[^/ :@]+:[^/ @$%{*<][^/ @]*@'
KEY_FILE='(^|/)(\.env(\.[A-Za-z0-9_-]+)?|id_(rsa|dsa|ecdsa|ed25519)|\.netrc|\.npmrc|\.pypirc|\.git-credentials|credentials|[^/]+\.(pem|key|p12|pfx))$'

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

# poll CMD... until it succeeds or TIMEOUT seconds pass, backing off as engine/poll.py does
poll() {
    local deadline=$(( $(date +%s) + TIMEOUT ))
    local delays=(0.010 0.015 0.023 0.034 0.051 0.076 0.114 0.171 0.250) i=0
    until "$@"; do
        [ "$(date +%s)" -ge "$deadline" ] && return 1
        sleep "${delays[$i]}"
        if [ "$i" -lt 8 ]; then i=$((i + 1)); fi
    done
    return 0  # an until loop's status is its body's last command's, not the condition's
}

# host port of a container's published port: `host_port CONTAINER 9000/tcp`
host_port() { $DOCKER port "$1" "$2" | head -n1 | sed 's/.*://'; }

s3() {  # s3 PORT USER PASS CURL-ARGS... : a SigV4-signed request to MinIO on 127.0.0.1:PORT
    local port="$1" user="$2" pass="$3"; shift 3
    curl -fs -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user "$user:$pass" "$@" \
        "http://127.0.0.1:$port/${S3_PATH:-}"
}

minio_ready() {  # PORT USER PASS: /minio/health/ready 200 and ListBuckets answers
    curl -fs -o /dev/null "http://127.0.0.1:$1/minio/health/ready" && S3_PATH= s3 "$1" "$2" "$3"
}

redis_pong() (  # PORT: Redis answers PING. A subshell (a fork, no exec): its fd 3 and a
    # SIGPIPE from a proxy that closed the connection stay in it.
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'PING\r\n' >&3 || exit 1
    read -r -t 1 reply <&3 || exit 1
    [[ "$reply" == "+PONG"* ]]
) 2>/dev/null

# tracked: every Go build input in the context (the plugin's build/tracking.py: *.go, go.mod,
# go.sum, go.work(.sum), vendor/) is tracked by git: nothing untracked or ignored
check_tracked() {  # DOCKERFILE CONTEXT
    local left
    left=$(git -C "$2" status --porcelain --ignored --untracked-files=all -- . \
        | grep -E '^(\?\?|!!) ' \
        | grep -E '(\.go|(^| |/)go\.(mod|sum|work|work\.sum))$|(^| |/)vendor/' || true)
    [ -z "$left" ] || fail "$1: untracked Go build inputs: $left"
}

# go-version: the binary's Go version agrees with go.mod's toolchain, the Dockerfile's golang
# builder tag (ARG defaults resolved) and the go-version pins in .github/workflows
check_go_version() {  # DOCKERFILE GOVERSION(go1.x.y)
    local dockerfile="$1" have="${2#go}" pins=() pin
    pins+=($(sed -n 's/^toolchain go//p' "$EXAMPLE/go.mod"))
    local from; from=$(sed -n 's/^FROM golang:\([^ ]*\).*/\1/p' "$EXAMPLE/$dockerfile" | head -n1)
    if [[ "$from" == *'${'* ]]; then
        local var="${from#*\$\{}"; var="${var%%\}*}"
        local value; value=$(sed -n "s/^ARG $var=//p" "$EXAMPLE/$dockerfile" | head -n1)
        from="${from/\$\{$var\}/$value}"
    fi
    pins+=("${from%%-*}")
    if [ -d "$EXAMPLE/.github/workflows" ]; then
        pins+=($(grep -rhoE "(go-version|GO_VERSION): *'?[0-9][0-9.]*'?" \
            "$EXAMPLE/.github/workflows" | sed -E "s/.*: *'?([0-9.]+)'?/\1/"))
    fi
    for pin in "${pins[@]}"; do
        [[ "$have" == "$pin" || "$have" == "$pin".* ]] \
            || fail "$dockerfile: binary built with go$have, pinned go$pin"
    done
}

# parity: images whose binaries build the same main package agree on the Go version,
# CGO_ENABLED, GOOS/GOARCH, -trimpath, -tags, -ldflags and module versions (`go version -m`)
check_parity() {  # DOCKERFILE=FACTS_FILE ...
    local -A first=()
    local item dockerfile file path
    for item in "$@"; do
        dockerfile="${item%%=*}" file="${item#*=}"
        path=$(grep -m1 -E '^\s+path\s' "$file" | awk '{print $2}')
        if [ -z "${first[$path]:-}" ]; then first[$path]="$item"; continue; fi
        if ! cmp -s "${first[$path]#*=}" "$file"; then
            fail "parity: ${first[$path]%%=*} and $dockerfile build $path differently:" \
                "$(diff "${first[$path]#*=}" "$file" | grep -E '^[<>]' | tr '\n' ' ')"
        fi
    done
}

check_image() {  # DOCKERFILE CONTEXT BUDGET_BYTES NON_ROOT(0|1) DEPENDENCY(""|redis)
    local dockerfile="$1" context="$2" budget="$3" non_root="$4" dependency="$5"
    local slug; slug=$(echo "$dockerfile" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9\n' '-')
    local tag="$RUN/$slug:bench"
    TAGS+=("$tag")

    check_tracked "$dockerfile" "$context"

    # build, with the plugin's build argument
    DOCKER_BUILDKIT=1 $DOCKER build -q --build-arg "GIT_SHA=$GIT_SHA" -f "$EXAMPLE/$dockerfile" \
        -t "$tag" "$context" >/dev/null || fail "$dockerfile: build"

    # size, metadata, user, provenance: one inspect
    local facts size binary run_as revision ports
    facts=$($DOCKER image inspect --format '{{.Size}}|{{index .Config.Entrypoint 0}}|{{.Config.User}}|{{index .Config.Labels "org.opencontainers.image.revision"}}|{{range $p, $_ := .Config.ExposedPorts}}{{$p}} {{end}}' "$tag")
    IFS='|' read -r size binary run_as revision ports <<<"$facts"
    [ "$size" -le "$budget" ] || fail "$dockerfile: size $size > budget $budget"
    [[ "$revision" =~ ^[0-9a-f]{40}$ ]] || fail "$dockerfile: revision label '$revision'"
    [[ " $ports" == *" 8080/tcp "* ]] || fail "$dockerfile: 8080 not exposed ($ports)"
    [ "$revision" = "$GIT_SHA" ] || fail "$dockerfile: built from $revision, HEAD is $GIT_SHA"
    if [ "$non_root" = 1 ]; then
        case "${run_as%%:*}" in ""|0|root) fail "$dockerfile: runs as root ('$run_as')";; esac
    fi

    # secrets: ENV and the build history's arguments
    local env_and_history
    env_and_history=$($DOCKER image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$tag"
        $DOCKER history --no-trunc --format '{{.CreatedBy}}' "$tag")
    # One word a line: ENV entries and a RUN's `|N K=V ...` build arguments alike start one.
    if tr -s ' \t' '\n\n' <<<"$env_and_history" \
            | grep -E "^[A-Za-z_0-9]*$SECRET_NAME[A-Za-z_0-9]*=." \
            | grep -vE "^[A-Za-z_0-9]*$HARMLESS_NAME=" >/dev/null \
        || grep -E "$SECRET_VALUE" <<<"$env_and_history" >/dev/null; then
        fail "$dockerfile: secret-looking ENV or build argument"
    fi

    # static and secrets (files): a never-started container; the binary and the file listing
    local reader; reader=$($DOCKER create --label "$LABEL" "$tag")
    $DOCKER cp -L "$reader:$binary" "$WORK/$slug.bin" >/dev/null
    $DOCKER export "$reader" | tar -t >"$WORK/$slug.files"
    $DOCKER rm -f "$reader" >/dev/null
    if grep -vE '(^|/)etc/ssl/' "$WORK/$slug.files" | grep -E "$KEY_FILE" >/dev/null; then
        fail "$dockerfile: key-like file in the image"
    fi
    if readelf -l "$WORK/$slug.bin" | grep -q interpreter; then fail "$dockerfile: dynamic binary"; fi
    local buildinfo; buildinfo=$(go version -m "$WORK/$slug.bin")
    grep -qE '^\s+build\s+CGO_ENABLED=0$' <<<"$buildinfo" || fail "$dockerfile: CGO_ENABLED not 0"
    check_go_version "$dockerfile" "$(head -n1 <<<"$buildinfo" | awk '{print $2}')"
    # for parity: the Go version, main package, build settings and linked module versions
    { head -n1 <<<"$buildinfo" | awk '{print "go", $2}'
      grep -E '^\s+(path|dep)\s|^\s+build\s+(CGO_ENABLED|GOOS|GOARCH|-trimpath|-tags|-ldflags)=' \
          <<<"$buildinfo" | sed -E 's/\s+h1:\S*$//'; } >"$WORK/$slug.parity"
    PARITY+=("$dockerfile=$WORK/$slug.parity")

    # MinIO (and Redis) on a private network, random credentials, ports on 127.0.0.1 only
    local net="$RUN-$slug"
    $DOCKER network create --label "$LABEL" "$net" >/dev/null
    local user="bench$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    local pass; pass=$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')
    local minio; minio=$($DOCKER run -d --label "$LABEL" --network "$net" --network-alias minio \
        -p 127.0.0.1::9000 -e MINIO_ROOT_USER="$user" -e MINIO_ROOT_PASSWORD="$pass" \
        --name "$net-minio" "$MINIO_IMAGE")
    local cache_env=()
    if [ "$dependency" = redis ]; then
        local redis; redis=$($DOCKER run -d --label "$LABEL" --network "$net" \
            --network-alias cache -p 127.0.0.1::6379 --name "$net-cache" "$REDIS_IMAGE")
        cache_env=(-e CACHE_ADDR=cache:6379)
    fi
    local mport; mport=$(host_port "$minio" 9000/tcp)
    poll minio_ready "$mport" "$user" "$pass" || fail "$dockerfile: MinIO not ready"
    if [ "$dependency" = redis ]; then
        poll redis_pong "$(host_port "$redis" 6379/tcp)" || fail "$dockerfile: Redis not ready"
    fi

    # the service, with the environment [tool.goimage.env] describes
    local svc; svc=$($DOCKER run -d --label "$LABEL" --network "$net" -p 127.0.0.1::8080 \
        -e STORAGE_ENDPOINT=minio:9000 -e STORAGE_ACCESS_KEY="$user" \
        -e STORAGE_SECRET_KEY="$pass" -e STORAGE_BUCKET="$BUCKET" -e STORAGE_USE_SSL=false \
        "${cache_env[@]}" --name "$net-svc" "$tag")
    local sport; sport=$(host_port "$svc" 8080/tcp)
    poll curl -fs -o /dev/null "http://127.0.0.1:$sport/health" \
        || { $DOCKER logs --tail 15 "$svc" >&2; fail "$dockerfile: /health never 200"; }

    # the bucket: HEAD /bookmarks, signed
    S3_PATH="$BUCKET" poll s3 "$mport" "$user" "$pass" -I || fail "$dockerfile: bucket"

    $DOCKER rm -f -v $($DOCKER ps -aq --filter "network=$net") >/dev/null
    $DOCKER network rm "$net" >/dev/null
    echo "ok   $dockerfile  size=$size  binary=$binary"
}

check_image Dockerfile         "$EXAMPLE" 40000000 0 ""
check_image Dockerfile.prod    "$EXAMPLE" 30000000 1 ""
check_image backend/Dockerfile "$EXAMPLE" 40000000 0 redis
check_parity "${PARITY[@]}"
echo "ok   parity"
