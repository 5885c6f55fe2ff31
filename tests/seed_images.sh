#!/usr/bin/env bash
# Build offline stand-ins for the base images that example_project's
# Dockerfiles name, because no image registry can be reached here:
#
#   golang:<host go version>-alpine   e.g. golang:1.26.8-alpine
#   golang:<major.minor>-alpine       e.g. golang:1.26-alpine
#   alpine:3.22
#
# A tag is only built when `docker image inspect <tag>` fails, so a real
# image always wins and a second run does nothing. The Go builder is made
# from the host's own Go tree plus Debian's busybox-static; it carries the
# host's GOPROXY/GOSUMDB/GONOSUMDB/GOFLAGS and CA bundle so that
# `go mod download` in a build step reaches the module proxy the way the
# host does. Every stand-in is labelled io.github.pytest-goimage.standin=true.
#
# Prints one line per tag: "<tag>: present" or "<tag>: built".
# Environment:
#   SEED_BUSYBOX   path of a static busybox to use instead of /bin/busybox
set -euo pipefail

log() { printf 'seed_images: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

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
alpine_tags=("alpine:3.22")

image_present() { "${DOCKER[@]}" image inspect "$1" >/dev/null 2>&1; }

missing_go=()
missing_alpine=()
for t in "${go_tags[@]}"; do image_present "$t" || missing_go+=("$t"); done
for t in "${alpine_tags[@]}"; do image_present "$t" || missing_alpine+=("$t"); done

report_present() {
    local t m
    for t in "$@"; do
        for m in "${missing_go[@]}" "${missing_alpine[@]}"; do
            [[ "$t" == "$m" ]] && continue 2
        done
        echo "$t: present"
    done
}

if (( ${#missing_go[@]} == 0 && ${#missing_alpine[@]} == 0 )); then
    report_present "${go_tags[@]}" "${alpine_tags[@]}"
    exit 0
fi

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
if ! is_static "$busybox"; then
    if [[ -n "${SEED_BUSYBOX:-}" ]]; then
        die "SEED_BUSYBOX=$SEED_BUSYBOX is not a static executable"
    fi
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        log "installing Debian's busybox-static (a static /bin/busybox is needed)"
        export DEBIAN_FRONTEND=noninteractive
        if ! apt-get install -y -q --no-install-recommends busybox-static >/dev/null 2>&1; then
            apt-get update -q >/dev/null
            apt-get install -y -q --no-install-recommends busybox-static >/dev/null
        fi
    fi
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

work=$(mktemp -d "${TMPDIR:-/tmp}/seed-images.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Files shared by both images: busybox, CA bundle, minimal user database.
make_rootfs() {
    local ctx=$1
    mkdir -p "$ctx/rootfs/etc/ssl/certs"
    cp "$busybox" "$ctx/busybox"
    chmod 0755 "$ctx/busybox"
    cp "$ca_bundle" "$ctx/rootfs/etc/ssl/certs/ca-certificates.crt"
    chmod 0644 "$ctx/rootfs/etc/ssl/certs/ca-certificates.crt"
    cat >"$ctx/rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
    cat >"$ctx/rootfs/etc/group" <<'EOF'
root:x:0:root
nogroup:x:65534:
nobody:x:65534:
EOF
    chmod 0644 "$ctx/rootfs/etc/passwd" "$ctx/rootfs/etc/group"
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
      io.github.pytest-goimage.standin="true" \\
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
    desc="pytest-goimage offline stand-in for ${missing_alpine[*]}: busybox-static, CA bundle, /etc/passwd"
    cat >"$ctx/Dockerfile" <<EOF
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY rootfs/ /
RUN mkdir -p /tmp /root /usr/local/bin /usr/bin /sbin /usr/sbin \\
 && chmod 1777 /tmp
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL org.opencontainers.image.description=$(dq "$desc") \\
      io.github.pytest-goimage.standin="true" \\
      io.github.pytest-goimage.standin.for=$(dq "${missing_alpine[*]}")
CMD ["/bin/sh"]
EOF
    build "$ctx" "${missing_alpine[0]}"
    for t in "${missing_alpine[@]:1}"; do
        "${DOCKER[@]}" tag "${missing_alpine[0]}" "$t"
    done
fi

for t in "${go_tags[@]}" "${alpine_tags[@]}"; do
    state=present
    for m in "${missing_go[@]}" "${missing_alpine[@]}"; do
        [[ "$t" == "$m" ]] && state=built
    done
    image_present "$t" || die "$t is still missing after the build"
    echo "$t: $state"
done
