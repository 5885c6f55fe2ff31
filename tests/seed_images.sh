#!/usr/bin/env bash
# Make sure the base images that example_project's Dockerfiles name are on the engine:
#
#   golang:<host go version>-alpine   e.g. golang:1.26.8-alpine
#   golang:<major.minor>-alpine       e.g. golang:1.26-alpine
#   alpine:3.22
#   redis:7                           a real Redis beside MinIO ([tool.goimage.dependencies])
#
# A real image always wins: a tag that holds a real image is left alone, and any other tag is
# pulled first. Only when the pull fails because no registry can be reached (as on this project's CI
# machines) is an offline stand-in built under the tag, with a warning on stderr, because
# BuildKit uses a local tag before it pulls: every project on this engine then builds on the
# stand-in until `make clean-standins` (this script with --clean) removes it. A stand-in found
# from an earlier run is replaced by the real image as soon as a pull succeeds.
#
# The Go builder stand-in is made from the host's own Go tree plus Debian's busybox-static; it
# carries the host's GOPROXY/GOSUMDB/GONOSUMDB/GOFLAGS and CA bundle so that `go mod download`
# in a build step reaches the module proxy the way the host does. The Redis stand-in is Debian's
# redis-server package installed on a Debian base made with debootstrap (no registry needed, only
# Debian's mirror); that base is kept under goimage-standin/debian:bookworm, itself a labelled
# stand-in, so that only the first seed pays for debootstrap. Every stand-in is labelled
# io.github.pytest-goimage.standin=true and io.github.pytest-goimage.standin.for=<its tags>.
#
# Prints one line per tag: "<tag>: present" (a real image), "<tag>: pulled",
# "<tag>: stand-in built" or "<tag>: stand-in kept". With --clean, "<tag>: removed" per stand-in
# tag: only tags that an image labelled as a stand-in names in its standin.for label, so images
# built FROM a stand-in (they inherit its labels) stay.
# Environment:
#   SEED_BUSYBOX        path of a static busybox to use instead of /bin/busybox
#   SEED_PULL_TIMEOUT   seconds a registry may take to start answering a pull (default 20); a
#                       pull that has started downloading may take as long as it needs
#   SEED_GO_TAGS, SEED_ALPINE_TAGS, SEED_REDIS_TAGS
#                       space-separated tags to seed instead of the ones above ("" for none)
#   SEED_DEBIAN_MIRROR  Debian mirror for debootstrap and apt (default http://deb.debian.org/debian)
#   SEED_STANDIN_VALUE  value of the standin label to write and to --clean (default "true")
set -euo pipefail

log() { printf 'seed_images: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

STANDIN_LABEL=io.github.pytest-goimage.standin
# The busybox stand-ins' layout: raised when it changes (2: each applet also where Alpine has
# it, /usr/bin/env), so that an engine that kept an older stand-in gets it built again.
STANDIN_LAYOUT=2
standin_tools=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/standin
standin_value=${SEED_STANDIN_VALUE:-true}
pull_timeout=${SEED_PULL_TIMEOUT:-20}
[[ "$pull_timeout" =~ ^[1-9][0-9]*$ ]] || die "SEED_PULL_TIMEOUT=$pull_timeout is not a whole number of seconds"

if [[ -x /usr/bin/docker ]]; then
    # The distribution CLI drives BuildKit; a CLI without buildx cannot.
    DOCKER=(/usr/bin/docker)
    export DOCKER_BUILDKIT=1
else
    command -v docker >/dev/null 2>&1 || die "no docker CLI found"
    DOCKER=(docker)
fi

"${DOCKER[@]}" info >/dev/null 2>&1 \
    || die "the Docker engine does not answer ('docker info' failed); start it first (scripts/ensure-docker.sh)"

# Serialise concurrent runs (e.g. parallel test workers) on one machine.
if command -v flock >/dev/null 2>&1; then
    exec 9>"${TMPDIR:-/tmp}/pytest-goimage-seed-images.lock"
    flock 9
fi

# The tags `tag` is a stand-in for ("" when it is absent or a real image). An image built FROM
# a stand-in inherits its labels, so a stand-in is one whose standin.for names the tag itself.
standin_for() {
    local tag=$1 labels
    labels=$("${DOCKER[@]}" image inspect --format \
        "{{ index .Config.Labels \"$STANDIN_LABEL\" }}|{{ index .Config.Labels \"$STANDIN_LABEL.for\" }}" \
        "$tag" 2>/dev/null) || return 0
    [[ "${labels%%|*}" == "$standin_value" ]] || return 0
    local named=" ${labels#*|} "
    [[ "$named" == *" $tag "* ]] && printf '%s\n' "${labels#*|}"
    return 0
}

layout_of() {
    "${DOCKER[@]}" image inspect --format \
        "{{ index .Config.Labels \"$STANDIN_LABEL.layout\" }}" "$1" 2>/dev/null || true
}

if [[ "${1:-}" == "--clean" ]]; then
    mapfile -t tags < <("${DOCKER[@]}" image ls --filter "label=$STANDIN_LABEL=$standin_value" \
        --format '{{.Repository}}:{{.Tag}}' | grep -v '<none>' | sort -u)
    for tag in "${tags[@]}"; do
        [[ -n "$(standin_for "$tag")" ]] || continue
        "${DOCKER[@]}" image rm "$tag" >/dev/null
        echo "$tag: removed"
    done
    exit 0
fi
[[ $# -eq 0 ]] || die "unknown argument '$1' (the only one is --clean)"

work=$(mktemp -d "${TMPDIR:-/tmp}/seed-images.XXXXXX")
# debootstrap mounts /proc and /sys inside its tree; a run stopped half-way may leave them
# mounted, and rm must never descend into them.
cleanup() {
    local mount
    if [[ -r /proc/mounts ]]; then
        while read -r _ mount _; do
            if [[ "$mount" == "$work"/* ]]; then umount -l "$mount" 2>/dev/null || true; fi
        done < <(tac /proc/mounts)
    fi
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT

if [[ -v SEED_GO_TAGS ]]; then
    read -r -a go_tags <<<"$SEED_GO_TAGS"
else
    GO=$(command -v go || true)
    [[ -n "$GO" ]] || { [[ -x /usr/local/go/bin/go ]] && GO=/usr/local/go/bin/go; } \
        || die "no Go toolchain on PATH (needed for the golang stand-in)"
    go_version=$("$GO" env GOVERSION)   # e.g. go1.26.8
    go_version=${go_version#go}
    go_version=${go_version%% *}
    [[ "$go_version" =~ ^[0-9]+\.[0-9]+(\.[0-9]+)?$ ]] \
        || die "cannot use host Go version '$go_version' as an image tag (need a release such as 1.26.8)"
    go_minor=$(cut -d. -f1,2 <<<"$go_version")
    go_tags=("golang:${go_version}-alpine")
    [[ "$go_minor" != "$go_version" ]] && go_tags+=("golang:${go_minor}-alpine")
fi
if [[ -v SEED_ALPINE_TAGS ]]; then
    read -r -a alpine_tags <<<"$SEED_ALPINE_TAGS"
else
    alpine_tags=("alpine:3.22")
fi
if [[ -v SEED_REDIS_TAGS ]]; then
    read -r -a redis_tags <<<"$SEED_REDIS_TAGS"
else
    redis_tags=("redis:7")
fi

# The registry a tag is pulled from, as the docker CLI reads a reference.
registry_of() {
    local first=${1%%/*}
    if [[ "$1" == */* && ( "$first" == *.* || "$first" == *:* || "$first" == localhost ) ]]; then
        echo "$first"
    else
        echo docker.io
    fi
}

# Pull `tag`; on failure pull_error says why. The pull is given up when the registry has not
# answered within SEED_PULL_TIMEOUT seconds (a dropped connection would otherwise hang the
# daemon's dial for minutes); once it answers ("<tag>: Pulling from ..."), the download may
# take as long as it needs.
pull_error=""
silent_registries=" "
pull() {
    local tag=$1 out=$work/pull.out registry pid ticks=0
    registry=$(registry_of "$tag")
    if [[ "$silent_registries" == *" $registry "* ]]; then
        pull_error="$registry did not answer an earlier pull"
        return 1
    fi
    : >"$out"
    "${DOCKER[@]}" pull "$tag" >"$out" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        if (( ticks >= pull_timeout * 10 )) && ! grep -q -e ': Pulling from ' -e '^Digest: ' "$out"; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
            silent_registries+="$registry "
            pull_error="$registry did not answer within ${pull_timeout}s"
            return 1
        fi
        sleep 0.1
        ticks=$((ticks + 1))
    done
    if wait "$pid"; then
        return 0
    fi
    pull_error=$(grep -v '^[[:space:]]*$' "$out" | tail -n 1)
    pull_error=${pull_error:-docker pull exited without saying why}
    return 1
}

# Whether a pull failed because no registry could be reached (the only case a stand-in is for).
unreachable() {
    grep -qiE 'no such host|dial tcp|i/o timeout|connection refused|network is unreachable|TLS handshake timeout|did not answer|Client\.Timeout|context deadline exceeded|connection reset|temporary failure in name resolution' <<<"$1"
}

# Decide each tag: a real image stays, the rest are pulled; what cannot be pulled is kept as
# (or built into) a stand-in.
declare -A state=()
missing_go=()
missing_alpine=()
missing_redis=()
seed_tag() {
    local tag=$1 kind=$2 old_id="" was_standin
    if ! "${DOCKER[@]}" image inspect "$tag" >/dev/null 2>&1; then
        was_standin=absent
    elif [[ -n "$(standin_for "$tag")" ]]; then
        was_standin=yes
        old_id=$("${DOCKER[@]}" image inspect --format '{{.Id}}' "$tag")
    else
        state[$tag]=present
        return
    fi
    if pull "$tag"; then
        state[$tag]=pulled
        if [[ -n "$old_id" ]]; then
            # The replaced stand-in, unless another tag still names it.
            "${DOCKER[@]}" image rm "$old_id" >/dev/null 2>&1 || true
        fi
        return
    fi
    if ! unreachable "$pull_error"; then
        # The registry answered (no such tag yet, a rate limit, no credentials): a stand-in
        # would hide the real image from every project on this engine, so stop instead.
        die "$tag cannot be pulled: $pull_error. The registry answered, so no stand-in is built: fix the tag, log in (docker login), or wait out a rate limit, then rerun."
    fi
    if [[ "$was_standin" == yes && "$kind" != redis && "$(layout_of "$tag")" != "$STANDIN_LAYOUT" ]]; then
        log "$tag: the stand-in has an older layout; building it again"
        state[$tag]="stand-in rebuilt"
        case $kind in
            go) missing_go+=("$tag") ;;
            alpine) missing_alpine+=("$tag") ;;
        esac
        return
    fi
    if [[ "$was_standin" == yes ]]; then
        state[$tag]="stand-in kept"
        log "WARNING: $tag cannot be pulled ($pull_error); keeping the offline stand-in under that tag. Every build on this engine that names $tag uses it until \`make clean-standins\` removes it."
        return
    fi
    log "WARNING: $tag cannot be pulled ($pull_error); building an offline stand-in under that tag. Every build on this engine that names $tag uses it until \`make clean-standins\` removes it."
    state[$tag]="stand-in built"
    case $kind in
        go) missing_go+=("$tag") ;;
        alpine) missing_alpine+=("$tag") ;;
        redis) missing_redis+=("$tag") ;;
    esac
}
for t in "${go_tags[@]}"; do seed_tag "$t" go; done
for t in "${alpine_tags[@]}"; do seed_tag "$t" alpine; done
for t in "${redis_tags[@]}"; do seed_tag "$t" redis; done

report() {
    local t
    for t in "${go_tags[@]}" "${alpine_tags[@]}" "${redis_tags[@]}"; do
        "${DOCKER[@]}" image inspect "$t" >/dev/null 2>&1 || die "$t is still missing"
        echo "$t: ${state[$t]}"
    done
}

if (( ${#missing_go[@]} == 0 && ${#missing_alpine[@]} == 0 && ${#missing_redis[@]} == 0 )); then
    report
    exit 0
fi

if (( ${#missing_go[@]} > 0 )) && [[ -z "${GO:-}" ]]; then
    GO=$(command -v go || true)
    [[ -n "$GO" ]] || { [[ -x /usr/local/go/bin/go ]] && GO=/usr/local/go/bin/go; } \
        || die "no Go toolchain on PATH (needed for the golang stand-in)"
    go_version=$("$GO" env GOVERSION)
    go_version=${go_version#go}
    go_version=${go_version%% *}
fi

# Install Debian package `$1` as root with apt-get (refreshing the package lists only when
# the first try fails); returns non-zero where that is not possible.
apt_install() {
    [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1 || return 1
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "$1" >/dev/null 2>&1 && return 0
    apt-get update -q >/dev/null 2>&1 || return 1
    apt-get install -y -q --no-install-recommends "$1" >/dev/null 2>&1
}

# ---------------------------------------------------------------- busybox --
is_static() {
    local f=$1
    [[ -f "$f" ]] || return 1
    if command -v readelf >/dev/null 2>&1; then
        readelf -h "$f" >/dev/null 2>&1 || return 1
        ! readelf -l "$f" 2>/dev/null | grep -q 'program interpreter'
    elif command -v file >/dev/null 2>&1; then
        file -L "$f" | grep -q 'statically linked'
    else
        [[ "$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null)" == "install ok installed" ]]
    fi
}

busybox=${SEED_BUSYBOX:-/bin/busybox}
if (( ${#missing_go[@]} + ${#missing_alpine[@]} > 0 )) && ! is_static "$busybox"; then
    if [[ -n "${SEED_BUSYBOX:-}" ]]; then
        die "SEED_BUSYBOX=$SEED_BUSYBOX is not a static executable"
    fi
    log "installing Debian's busybox-static (a static /bin/busybox is needed)"
    apt_install busybox-static || true
    is_static "$busybox" || {
        log "a statically linked busybox is required at /bin/busybox to build the stand-in images."
        log "install it with:  sudo apt-get install -y busybox-static"
        log "(or point SEED_BUSYBOX at a static busybox binary)"
        exit 1
    }
fi

# ---------------------------------------------------------- build context --
ca_bundle=/etc/ssl/certs/ca-certificates.crt
[[ -s "$ca_bundle" ]] || die "host CA bundle $ca_bundle is missing"

# Files shared by both images: busybox, CA bundle, minimal user database.
make_rootfs() {
    local ctx=$1
    mkdir -p "$ctx/rootfs/etc/ssl/certs"
    cp "$busybox" "$ctx/busybox"
    chmod 0755 "$ctx/busybox"
    cp "$ca_bundle" "$ctx/rootfs/etc/ssl/certs/ca-certificates.crt"
    chmod 0644 "$ctx/rootfs/etc/ssl/certs/ca-certificates.crt"
    # Alpine's system users and groups (alpine-baselayout's, in tests/standin/): `users` holds
    # gid 100 and `nogroup` 65533, so `addgroup -S app` gets 101 and `adduser -S app` nogroup,
    # as in Alpine.
    cp "$standin_tools/passwd" "$ctx/rootfs/etc/passwd"
    cp "$standin_tools/group" "$ctx/rootfs/etc/group"
    chmod 0644 "$ctx/rootfs/etc/passwd" "$ctx/rootfs/etc/group"
    # Alpine's busybox has addgroup and adduser, Debian's busybox-static has not: Dockerfiles'
    # `RUN addgroup -S app && adduser -S -G app app` needs them (tests/standin/).
    mkdir -p "$ctx/rootfs/usr/sbin"
    install -m 0755 "$standin_tools/addgroup" "$standin_tools/adduser" "$ctx/rootfs/usr/sbin/"
}

# Quote a value for a Dockerfile ENV/LABEL instruction.
dq() {
    local v=$1
    v=${v//\\/\\\\}
    v=${v//\"/\\\"}
    printf '"%s"' "$v"
}

build() {
    local ctx=$1 tag=$2 logfile=$1.log
    if ! "${DOCKER[@]}" build --pull=false -t "$tag" "$ctx" >"$logfile" 2>&1; then
        log "building $tag failed; last lines of the build log:"
        tail -n 30 "$logfile" >&2
        exit 1
    fi
}

# ----------------------------------------------------------- golang image --
if (( ${#missing_go[@]} > 0 )); then
    goroot=$("$GO" env GOROOT)
    [[ -x "$goroot/bin/go" ]] || die "GOROOT $goroot has no bin/go"
    ctx=$work/golang
    make_rootfs "$ctx"
    mkdir -p "$ctx/go"
    # The compiler and tools under pkg/tool are needed; tests, API lists,
    # docs and misc are not.
    tar -C "$goroot" \
        --exclude=./test --exclude=./api --exclude=./doc --exclude=./misc --exclude=./.git \
        -cf - . | tar -C "$ctx/go" -xf -

    env_lines=""
    for var in GOPROXY GOSUMDB GONOSUMDB GOFLAGS; do
        env_lines+="ENV $var=$(dq "$("$GO" env "$var")")"$'\n'
    done
    desc="pytest-goimage offline stand-in for ${missing_go[*]}, built from the host Go toolchain (go${go_version})"

    cat >"$ctx/Dockerfile" <<EOF
FROM scratch
COPY busybox /bin/busybox
# Each applet where Alpine has it too (/usr/bin/env, /usr/bin/wget: a "#!/usr/bin/env sh"
# entrypoint ran on Alpine and not here), and every one in /bin as before.
RUN ["/bin/busybox", "mkdir", "-p", "/usr/bin", "/sbin", "/usr/sbin"]
RUN ["/bin/busybox", "--install", "-s"]
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY rootfs/ /
COPY go/ /usr/local/go/
RUN mkdir -p /tmp /root /go/bin /go/pkg/mod /go/src /usr/local/bin /usr/bin /sbin /usr/sbin \\
 && chmod 1777 /tmp \\
 && chmod -R 1777 /go
ENV GOTOOLCHAIN=local \\
    GOLANG_VERSION=${go_version} \\
    GOPATH=/go \\
    HOME=/root \\
    PATH=/usr/local/go/bin:/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
${env_lines}WORKDIR /go
LABEL org.opencontainers.image.description=$(dq "$desc") \\
      org.opencontainers.image.version=$(dq "$go_version") \\
      io.github.pytest-goimage.standin=$(dq "$standin_value") \\
      io.github.pytest-goimage.standin.layout=$STANDIN_LAYOUT \\
      io.github.pytest-goimage.standin.for=$(dq "${missing_go[*]}")
CMD ["/bin/sh"]
EOF
    build "$ctx" "${missing_go[0]}"
    for t in "${missing_go[@]:1}"; do
        "${DOCKER[@]}" tag "${missing_go[0]}" "$t"
    done
    rm -rf "$ctx"
fi

# ----------------------------------------------------------- alpine image --
if (( ${#missing_alpine[@]} > 0 )); then
    ctx=$work/alpine
    make_rootfs "$ctx"
    desc="pytest-goimage offline stand-in for ${missing_alpine[*]}: busybox-static with addgroup/adduser scripts, CA bundle, Alpine's /etc/passwd and /etc/group"
    cat >"$ctx/Dockerfile" <<EOF
FROM scratch
COPY busybox /bin/busybox
# Each applet where Alpine has it too (/usr/bin/env, /usr/bin/wget: a "#!/usr/bin/env sh"
# entrypoint ran on Alpine and not here), and every one in /bin as before.
RUN ["/bin/busybox", "mkdir", "-p", "/usr/bin", "/sbin", "/usr/sbin"]
RUN ["/bin/busybox", "--install", "-s"]
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY rootfs/ /
RUN mkdir -p /tmp /root /usr/local/bin /usr/bin /sbin /usr/sbin \\
 && chmod 1777 /tmp
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL org.opencontainers.image.description=$(dq "$desc") \\
      io.github.pytest-goimage.standin=$(dq "$standin_value") \\
      io.github.pytest-goimage.standin.layout=$STANDIN_LAYOUT \\
      io.github.pytest-goimage.standin.for=$(dq "${missing_alpine[*]}")
CMD ["/bin/sh"]
EOF
    build "$ctx" "${missing_alpine[0]}"
    for t in "${missing_alpine[@]:1}"; do
        "${DOCKER[@]}" tag "${missing_alpine[0]}" "$t"
    done
fi

# ------------------------------------------------------------ redis image --
debian_base=goimage-standin/debian:bookworm
debian_mirror=${SEED_DEBIAN_MIRROR:-http://deb.debian.org/debian}

# The Debian base the Redis stand-in is built on, made once with debootstrap and kept under
# $debian_base. That tag is this script's own (no registry has it), so a stand-in found there
# is reused whatever stand-in label value wrote it; --clean removes it like any stand-in.
ensure_debian_base() {
    local named root=$work/debian
    named=$("${DOCKER[@]}" image inspect --format \
        "{{ index .Config.Labels \"$STANDIN_LABEL.for\" }}" "$debian_base" 2>/dev/null) || named=""
    [[ " $named " == *" $debian_base "* ]] && return 0
    [[ $(id -u) -eq 0 ]] \
        || die "building the Redis stand-in needs a Debian base made with debootstrap, which must run as root; rerun as root"
    if ! command -v debootstrap >/dev/null 2>&1; then
        log "installing Debian's debootstrap (to make a Debian base for the Redis stand-in)"
        apt_install debootstrap \
            || die "debootstrap is needed to build the Redis stand-in and could not be installed; install it with: apt-get install -y debootstrap"
    fi
    mkdir -p "$root"
    if ! debootstrap --variant=minbase bookworm "$root" "$debian_mirror" >"$work/debootstrap.log" 2>&1; then
        log "debootstrap of Debian bookworm from $debian_mirror failed; last lines of its log:"
        tail -n 30 "$work/debootstrap.log" >&2
        exit 1
    fi
    # Point-release and security updates too, so that apt installs a patched redis-server.
    printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
        "$debian_mirror" "$debian_mirror" "${debian_mirror%/debian}/debian-security" \
        >"$root/etc/apt/sources.list"
    rm -rf "${root:?}"/var/cache/apt/archives/*.deb "${root:?}"/var/lib/apt/lists/*
    local desc="pytest-goimage offline stand-in base: Debian bookworm (minbase) made with debootstrap from $debian_mirror"
    tar -C "$root" --one-file-system --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' -c . \
        | "${DOCKER[@]}" import \
            --change "LABEL org.opencontainers.image.description=$(dq "$desc")" \
            --change "LABEL $STANDIN_LABEL=$(dq "$standin_value")" \
            --change "LABEL $STANDIN_LABEL.for=$(dq "$debian_base")" \
            --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
            --change 'CMD ["/bin/bash"]' \
            - "$debian_base" >/dev/null
    rm -rf --one-file-system "${root:?}"
}

if (( ${#missing_redis[@]} > 0 )); then
    ensure_debian_base
    ctx=$work/redis
    mkdir -p "$ctx"
    cp "$ca_bundle" "$ctx/ca-certificates.crt"
    chmod 0644 "$ctx/ca-certificates.crt"
    # As the official image's entrypoint does: arguments that are only options (or a .conf
    # file) are handed to redis-server (tests/standin/redis-server, which turns protected mode
    # off as the official image's is).
    printf '%s\n' '#!/bin/sh' 'set -e' \
        'case $1 in -*|*.conf) set -- redis-server "$@" ;; esac' 'exec "$@"' \
        >"$ctx/docker-entrypoint.sh"
    install -m 0755 "$standin_tools/redis-server" "$ctx/redis-server"
    chmod 0755 "$ctx/docker-entrypoint.sh"
    desc="pytest-goimage offline stand-in for ${missing_redis[*]}: Debian bookworm's redis-server"
    # Like the official image it serves on every interface without protected mode (the
    # containers that use it reach it over a private network), as user redis, from /data.
    cat >"$ctx/Dockerfile" <<EOF
FROM $debian_base
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
RUN apt-get update -q \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \\
 && mkdir /data && chown redis:redis /data
COPY docker-entrypoint.sh redis-server /usr/local/bin/
WORKDIR /data
USER redis
EXPOSE 6379
LABEL org.opencontainers.image.description=$(dq "$desc") \\
      io.github.pytest-goimage.standin=$(dq "$standin_value") \\
      io.github.pytest-goimage.standin.for=$(dq "${missing_redis[*]}")
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server"]
EOF
    build "$ctx" "${missing_redis[0]}"
    for t in "${missing_redis[@]:1}"; do
        "${DOCKER[@]}" tag "${missing_redis[0]}" "$t"
    done
fi

report
