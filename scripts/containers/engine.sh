#!/usr/bin/env bash
# A container engine for CI and for a developer's machine that has none.
#   engine.sh start    when no engine answers (docker info): install Debian's docker.io if it is
#                      missing, start dockerd, and record that this script started it (pid file)
#   engine.sh stop     if this script started the engine: remove its containers (this project's
#                      and testcontainers'), then stop it
#   engine.sh status   what answers, and whether this script started it
# An engine someone else started is used and left alone: `stop` neither stops it nor removes any of
# its containers (another run may be using them). Waits are bounded; a failure names the log to read.
# Environment: ORDERS_ENGINE_DIR (pid file and dockerd log, default /var/tmp/orders-engine),
# ORDERS_ENGINE_START_SECONDS (how long dockerd may take to answer, default 60), ORDERS_DOCKERD_FLAGS
# (more dockerd flags, split on spaces: e.g. a second daemon's -H, --data-root, --exec-root,
# --pidfile; set DOCKER_HOST to match). Never `--bridge none` beside a running daemon: dockerd then
# deletes the docker0 interface that daemon's containers use.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

STATE_DIR="${ORDERS_ENGINE_DIR:-/var/tmp/orders-engine}"
PID_FILE="$STATE_DIR/dockerd.pid"
LOG_FILE="$STATE_DIR/dockerd.log"
START_SECONDS="${ORDERS_ENGINE_START_SECONDS:-60}"
STOP_SECONDS=30

# The pid of the dockerd this script started, when it is still that process; empty otherwise.
our_dockerd() {
  [[ -f $PID_FILE ]] || return 0
  local pid
  pid=$(<"$PID_FILE")
  if [[ $pid =~ ^[0-9]+$ && $(cat "/proc/$pid/comm" 2>/dev/null) == dockerd ]]; then echo "$pid"; fi
}

# Whether PID is a live process (not gone, not a zombie waiting to be reaped).
running() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}

start() {
  if engine_answers; then
    if [[ -n $(our_dockerd) ]]; then
      say "engine answers: dockerd $(our_dockerd), started earlier by this script"
    else
      say "engine answers ($(docker version -f '{{.Server.Version}}' 2>/dev/null || echo '?')); not started by this script, left alone"
    fi
    return 0
  fi
  [[ $(id -u) == 0 ]] || die "no container engine answers, and starting dockerd needs root"
  # iptables: dockerd sets up the bridge network and port mapping with it. With its recommended
  # packages, as tried on these machines: apparmor among them, which dockerd needs on a kernel
  # that enforces AppArmor.
  APT_RECOMMENDS=yes ensure_debian_packages docker.io iptables
  if engine_answers; then
    say "engine answers after installing docker.io (its service started it); not started by this script"
    return 0
  fi
  mkdir -p "$STATE_DIR"
  # --ip: a published port without an address binds loopback, not every interface of the machine.
  # setsid: its own session, so a Ctrl-C or a CI step's end does not reach it; `stop` ends it.
  # shellcheck disable=SC2086 # ORDERS_DOCKERD_FLAGS is a list of flags
  setsid dockerd --ip=127.0.0.1 ${ORDERS_DOCKERD_FLAGS:-} </dev/null >"$LOG_FILE" 2>&1 &
  local pid=$!
  echo "$pid" >"$PID_FILE"
  local deadline=$((SECONDS + START_SECONDS))
  until engine_answers; do
    if ! running "$pid"; then
      rm -f "$PID_FILE"
      tail -n 5 "$LOG_FILE" >&2 || true
      die "dockerd exited before it answered; see $LOG_FILE"
    fi
    if ((SECONDS >= deadline)); then
      kill "$pid" 2>/dev/null || true
      rm -f "$PID_FILE"
      tail -n 5 "$LOG_FILE" >&2 || true
      die "dockerd (pid $pid) did not answer within $START_SECONDS s; see $LOG_FILE"
    fi
    sleep 0.5
  done
  say "started dockerd $(docker version -f '{{.Server.Version}}') (pid $pid, log $LOG_FILE)"
}

# Removes the containers whose label matches FILTER; says how many.
remove_labelled() {
  local ids
  ids=$(timeout 30 docker ps -aq --filter "label=$1" 2>/dev/null || true)
  [[ -z $ids ]] && return 0
  # shellcheck disable=SC2086 # one id per word
  timeout 60 docker rm -f $ids >/dev/null 2>&1 || say "could not remove every container labelled $1"
  say "removed $(wc -w <<<"$ids") container(s) labelled $1"
}

stop() {
  local pid
  pid=$(our_dockerd)
  if [[ -z $pid ]]; then
    # Someone else's engine: its containers, this project's included (the images carry the label,
    # so every container started from them does), may belong to a run still going on beside this
    # one. Each run's own teardown stops what it started; nothing is removed here.
    rm -f "$PID_FILE"
    say "no dockerd of this script's to stop; containers in the engine that answers are left to the runs that started them"
    return 0
  fi
  # In an engine this script started, every container is this run's.
  if engine_answers; then
    remove_labelled "$ORDERS_LABEL=true"
    remove_labelled "$TESTCONTAINERS_LABEL=true"
  fi
  kill -TERM "$pid"
  if ! wait_until "$STOP_SECONDS" eval "! running $pid"; then
    say "dockerd $pid did not stop within $STOP_SECONDS s; killing it (log: $LOG_FILE)"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  say "stopped dockerd $pid"
}

status() {
  local pid
  pid=$(our_dockerd)
  if engine_answers; then
    say "engine answers: server $(docker version -f '{{.Server.Version}}' 2>/dev/null || echo '?')"
  else
    say "no engine answers"
  fi
  if [[ -n $pid ]]; then say "started by this script: dockerd $pid (log $LOG_FILE)"; else say "not started by this script"; fi
  say "containers labelled $ORDERS_LABEL: $(docker ps -aq --filter "label=$ORDERS_LABEL=true" 2>/dev/null | wc -l)," \
    "labelled $TESTCONTAINERS_LABEL: $(docker ps -aq --filter "label=$TESTCONTAINERS_LABEL=true" 2>/dev/null | wc -l)"
}

case ${1:-} in
  start | stop | status) "$1" ;;
  *) die "usage: engine.sh start|stop|status" ;;
esac
