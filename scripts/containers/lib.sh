# Shared by scripts/containers/*.sh (sourced, not run). Bash, `set -euo pipefail` in the caller.

# Every container and image this project makes carries this label, so cleanup can find exactly
# what is ours (testcontainers adds its own labels to the containers it starts).
ORDERS_LABEL=org.orders.local
# The hash of an image's inputs: an image whose label matches is kept, any change rebuilds it.
ORDERS_INPUTS_LABEL=org.orders.inputs
# The label testcontainers puts on every container it creates (testcontainers/src/utils/labels.ts).
TESTCONTAINERS_LABEL=org.testcontainers

say() { printf '[containers] %s\n' "$*"; }
die() {
  printf '[containers] error: %s\n' "$*" >&2
  exit 1
}

# Runs "$@" until it succeeds or SECONDS_LEFT run out; returns 1 on the deadline. Quiet.
wait_until() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# Whether a container engine answers on the default socket (or DOCKER_HOST), within 10 s.
engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

# Installs Debian packages that are missing, running `apt-get update` first when the package lists
# have never been fetched (a fresh machine) or when a package has no candidate. Bounded: apt's own
# network timeouts apply, and the whole step gives up after 10 minutes. Recommended packages are
# left out unless APT_RECOMMENDS=yes.
ensure_debian_packages() {
  local missing=()
  local package
  for package in "$@"; do
    [[ $(dpkg-query -W -f='${Status}' "$package" 2>/dev/null) == *'install ok installed'* ]] || missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  [[ $(id -u) == 0 ]] || die "needs root to install ${missing[*]} (apt-get install ${missing[*]})"
  command -v apt-get >/dev/null || die "${missing[*]} missing and this is not a Debian-like system (no apt-get)"
  ensure_apt_lists "${missing[@]}"
  say "installing ${missing[*]} from Debian"
  local recommends=--no-install-recommends
  [[ ${APT_RECOMMENDS:-} == yes ]] && recommends=--install-recommends
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq "$recommends" \
    -o Acquire::http::Timeout=30 -o Acquire::Retries=3 "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
}

# Runs `apt-get update` when one of the packages has no installable version (lists never fetched).
ensure_apt_lists() {
  apt_has_candidates "$@" && return 0
  [[ $(id -u) == 0 ]] || die "Debian's package lists are missing and fetching them needs root (apt-get update)"
  say "apt-get update (package lists are missing or stale)"
  timeout 600 apt-get update -qq -o Acquire::http::Timeout=30 -o Acquire::Retries=3 ||
    die "apt-get update failed; check the machine's Debian mirror"
}

apt_has_candidates() {
  local package
  for package in "$@"; do
    [[ $(apt-cache policy "$package" 2>/dev/null) =~ Candidate:\ [0-9] ]] || return 1
  done
}

# The value of one label of a local image, empty when the image or the label is absent.
image_label() {
  docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}
