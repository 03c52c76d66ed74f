#!/usr/bin/env bash
# `pnpm test:containers`: the whole of Bazaar built and run in containers, and a shopper walked
# through it.
#
#   1. engine      a Docker engine: the one running, or Debian's docker.io installed and dockerd
#                  started here (no systemd needed), stopped again at the end
#   2. base images the Node base of deploy/Dockerfile, the Postgres, RabbitMQ and Jaeger images
#                  of deploy/compose.yaml and Prometheus's: pulled, or made here when no registry
#                  answers (base-images.sh); Grafana's when present or pulled (never made)
#   3. build       each service image from deploy/Dockerfile, one at a time, reusing the cache;
#                  the services are those compose.yaml builds (`SERVICE: <name>` build args); and
#                  bazaar/prometheus:dev (deploy/prometheus/Dockerfile)
#   4. up          deploy/compose.yaml on free local ports, until every container is healthy and
#                  the catalog seed has finished (Grafana left out when its image is not here)
#   5. hardening   every service container runs as a non-root user and cannot write its root
#                  filesystem
#   6. journey     register, search, cart, checkout with 4242…, order confirmed, and the
#                  checkout's trace at the Jaeger endpoint with spans from four services or more
#                  (journey.mjs)
#   7. observability  Prometheus scrapes every service (each target `up`), has the alert rules of
#                  docs/observability loaded and the pool and breaker series; Grafana, when it
#                  runs, has the Bazaar dashboard and the Prometheus data source (observability.mjs)
#   8. down        containers, networks and volumes removed, even when a step failed
#
# Each step's time is printed as it ends, and all of them at the end. Needs root where it must
# install or start Docker. Environment:
#   BAZAAR_CHECK_PROJECT       compose project name (default bazaar-check)
#   BAZAAR_CHECK_KEEP=1        leave the stack running for a look (it says how to stop it)
#   BAZAAR_CHECK_HOST          where the published ports are (default 127.0.0.1; in GitLab CI the
#                              Docker service's host, with BAZAAR_BIND_ADDRESS=0.0.0.0)
#   BAZAAR_CHECK_IMAGE_PREFIX, BAZAAR_CHECK_IMAGE_TAG
#                              use <prefix>/<service>:<tag> where it can be pulled (CI's kaniko
#                              images) instead of building that service here
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/deploy/containers"
PROJECT=${BAZAAR_CHECK_PROJECT:-bazaar-check}
HOST=${BAZAAR_CHECK_HOST:-127.0.0.1}
WORK=$(mktemp -d /tmp/bazaar-containers.XXXXXX)
STARTED_DOCKERD_PID=""
CREATED_BRIDGE=0
COMPOSE=()
TIMES=()
FAILED=""
PASSED_STEPS=0
FAILED_STEPS=0
cd "$ROOT" || exit 1

# shellcheck source=deploy/containers/base-images.sh
source "$HERE/base-images.sh"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# Runs one step, timing it; the first failure skips the remaining steps (not the teardown).
step() {
  local name=$1 started ended status
  shift
  if [ -n "$FAILED" ]; then
    TIMES+=("$(printf '%-12s skipped' "$name")")
    return 0
  fi
  log "==> $name"
  started=$(date +%s.%N)
  "$@"
  status=$?
  ended=$(date +%s.%N)
  local seconds
  seconds=$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", b - a }')
  if [ $status -eq 0 ]; then
    TIMES+=("$(printf '%-12s %7s s' "$name" "$seconds")")
    PASSED_STEPS=$((PASSED_STEPS + 1))
    log "<== $name: ${seconds} s"
  else
    TIMES+=("$(printf '%-12s %7s s  FAILED' "$name" "$seconds")")
    FAILED_STEPS=$((FAILED_STEPS + 1))
    log "<== $name FAILED after ${seconds} s"
    FAILED=$name
  fi
}

# --- 1. engine --------------------------------------------------------------------------------

engine() {
  # What is missing, from Debian's packages (this check runs as root where it must install).
  local missing=()
  command -v dockerd >/dev/null 2>&1 || docker info >/dev/null 2>&1 || missing+=(docker.io)
  docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1 \
    || missing+=(docker-compose)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian's ${missing[*]}"
    apt-get update -q >"$WORK/apt.log" 2>&1 \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>"$WORK/apt.log" 2>&1 \
      || { tail -n 20 "$WORK/apt.log" >&2; return 1; }
  fi
  pick_docker_cli
  if docker info >/dev/null 2>&1; then
    log "using the running Docker engine"
  else
    start_dockerd || return 1
  fi
  if docker compose version >/dev/null 2>&1; then
    COMPOSE=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1; then
    COMPOSE=(docker-compose)
  else
    echo "neither 'docker compose' nor docker-compose is installed" >&2
    return 1
  fi
  log "engine $(docker version -f '{{.Server.Version}}'), client $(docker version -f '{{.Client.Version}}'), $("${COMPOSE[@]}" version --short 2>/dev/null || echo compose)"
}

# BuildKit: through buildx where the client has it; else Debian's 20.10 client, whose BuildKit is
# built in (a newer client without buildx would fall back to the classic builder).
pick_docker_cli() {
  if docker buildx version >/dev/null 2>&1; then
    return 0
  fi
  if [ -x /usr/bin/docker ] && [ "$(command -v docker)" != /usr/bin/docker ]; then
    mkdir -p "$WORK/bin"
    ln -sf /usr/bin/docker "$WORK/bin/docker"
    PATH="$WORK/bin:$PATH"
  fi
  export DOCKER_BUILDKIT=1
}

# dockerd by hand (no systemd here), niced: builds and containers run in its children and must
# leave the shared cores to others first.
start_dockerd() {
  [ -e /sys/class/net/docker0 ] || CREATED_BRIDGE=1
  log "starting dockerd"
  nice -n 10 dockerd --pidfile "$WORK/dockerd.pid" >"$WORK/dockerd.log" 2>&1 &
  STARTED_DOCKERD_PID=$!
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    kill -0 "$STARTED_DOCKERD_PID" 2>/dev/null || break
    sleep 1
  done
  echo "dockerd did not come up:" >&2
  tail -n 20 "$WORK/dockerd.log" >&2
  return 1
}

# --- 3. build ---------------------------------------------------------------------------------

# The services compose.yaml builds from deploy/Dockerfile, in file order, each once.
services() {
  sed -n 's/^ *SERVICE: *\([a-z0-9-]*\) *$/\1/p' "$ROOT/deploy/compose.yaml" | awk '!seen[$0]++'
}

build_images() {
  local service started size revision
  revision=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
  for service in $(services); do
    started=$(date +%s)
    if [ -n "${BAZAAR_CHECK_IMAGE_PREFIX:-}" ] \
      && try_pull "$BAZAAR_CHECK_IMAGE_PREFIX/$service:${BAZAAR_CHECK_IMAGE_TAG:-latest}"; then
      docker tag "$BAZAAR_CHECK_IMAGE_PREFIX/$service:${BAZAAR_CHECK_IMAGE_TAG:-latest}" \
        "bazaar/$service:dev"
      log "  bazaar/$service:dev pulled from $BAZAAR_CHECK_IMAGE_PREFIX"
      continue
    fi
    log "building bazaar/$service:dev"
    if ! nice -n 10 docker build -q -f deploy/Dockerfile \
      --build-arg "SERVICE=$service" --build-arg "REVISION=$revision" \
      -t "bazaar/$service:dev" . >"$WORK/build-$service.log" 2>&1; then
      tail -n 40 "$WORK/build-$service.log" >&2
      return 1
    fi
    size=$(docker image inspect -f '{{.Size}}' "bazaar/$service:dev")
    log "  bazaar/$service:dev built in $(($(date +%s) - started)) s, $((size / 1000000)) MB"
  done
  # Prometheus with docs/observability's configuration and rules (its build context).
  log "building bazaar/prometheus:dev"
  if ! nice -n 10 docker build -q -f deploy/prometheus/Dockerfile -t bazaar/prometheus:dev \
    docs/observability >"$WORK/build-prometheus.log" 2>&1; then
    tail -n 40 "$WORK/build-prometheus.log" >&2
    return 1
  fi
}

# --- 4. up ------------------------------------------------------------------------------------

compose() { "${COMPOSE[@]}" -p "$PROJECT" -f "$ROOT/deploy/compose.yaml" "$@"; }

# Free local ports for every published port, so that the check runs beside a developer's own
# Postgres, broker and services.
choose_ports() {
  local names=(STOREFRONT CATALOG ORDERS USERS PAYMENTS SEARCH WEB POSTGRES RABBITMQ RABBITMQ_UI
    JAEGER_UI OTLP PROMETHEUS GRAFANA)
  local ports
  read -r -a ports <<<"$(node -e '
    const net = require("node:net");
    const count = Number(process.argv[1]);
    const servers = Array.from({ length: count }, () => net.createServer().listen(0, "127.0.0.1"));
    Promise.all(servers.map((s) => new Promise((r) => s.once("listening", r)))).then(() => {
      console.log(servers.map((s) => s.address().port).join(" "));
      servers.forEach((s) => s.close());
    });' "${#names[@]}")"
  local i
  for i in "${!names[@]}"; do
    export "BAZAAR_${names[$i]}_PORT=${ports[$i]}"
  done
}

up() {
  choose_ports
  # docker-compose 1.29 returns once every container started in order (after the health
  # conditions it waits on); Compose v2 likewise. Then wait for the rest to be healthy.
  # Every service of compose.yaml; Grafana only when its image is here (ensure_grafana).
  local wanted
  wanted=$(compose config --services | { if [ "$GRAFANA" = 1 ]; then cat; else grep -vx grafana; fi; })
  # shellcheck disable=SC2086 # one word per service
  compose up -d --no-build $wanted >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log" >&2; return 1; }
  wait_healthy 300
}

# Every long-running container healthy and the seed exited 0, within the given seconds.
wait_healthy() {
  local deadline=$(($(date +%s) + $1)) pending id state
  while :; do
    pending=""
    for id in $(compose ps -a -q); do
      state=$(docker inspect -f '{{.Name}} {{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$id")
      set -- $state
      case "$2:$4" in
        running:healthy) ;;
        exited:none) [ "$3" = 0 ] || { echo "$1 exited with $3" >&2; compose logs --tail 40 >&2; return 1; } ;;
        *) pending="$pending ${1#/}($2/$4)" ;;
      esac
    done
    [ -z "$pending" ] && return 0
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "not healthy in time:$pending" >&2
      return 1
    fi
    sleep 3
  done
}

# --- 5. hardening -----------------------------------------------------------------------------

hardening() {
  local service id uid problems=0
  for service in $(services); do
    id=$(compose ps -q "$service")
    [ -n "$id" ] || { echo "$service: no container" >&2; problems=1; continue; }
    uid=$(docker exec "$id" node -e 'process.stdout.write(String(process.getuid()))')
    if [ "$uid" = 0 ] || [ -z "$uid" ]; then
      echo "$service: runs as root" >&2
      problems=1
    fi
    if [ "$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$id")" != true ] \
      || docker exec "$id" node -e 'require("node:fs").writeFileSync("/app/written", "x")' 2>/dev/null; then
      echo "$service: its root filesystem is writable" >&2
      problems=1
    fi
    echo "  $service: uid $uid, read-only root filesystem"
  done
  return $problems
}

# --- 6. journey -------------------------------------------------------------------------------

journey() {
  node "$HERE/journey.mjs" "http://$HOST:$BAZAAR_STOREFRONT_PORT" \
    "http://$HOST:$BAZAAR_JAEGER_UI_PORT"
}

# --- 7. observability -------------------------------------------------------------------------

observability() {
  local grafana=""
  [ "$GRAFANA" = 1 ] && grafana="http://$HOST:$BAZAAR_GRAFANA_PORT"
  node "$HERE/observability.mjs" "http://$HOST:$BAZAAR_PROMETHEUS_PORT" \
    "$ROOT/docs/observability/prometheus.yml" "$ROOT/docs/observability/alerts.yaml" $grafana
}

# --- 8. down ----------------------------------------------------------------------------------

down() {
  if [ ${#COMPOSE[@]} -gt 0 ] && docker info >/dev/null 2>&1; then
    compose down -v --remove-orphans -t 20 >"$WORK/down.log" 2>&1 \
      || { cat "$WORK/down.log" >&2; return 1; }
  fi
}

stop_dockerd() {
  [ -n "$STARTED_DOCKERD_PID" ] || return 0
  log "stopping the dockerd this check started"
  kill "$STARTED_DOCKERD_PID" 2>/dev/null
  for _ in $(seq 1 30); do
    kill -0 "$STARTED_DOCKERD_PID" 2>/dev/null || break
    sleep 1
  done
  kill -9 "$STARTED_DOCKERD_PID" 2>/dev/null
  if [ "$CREATED_BRIDGE" = 1 ] && [ -e /sys/class/net/docker0 ]; then
    ip link delete docker0 2>/dev/null || true
  fi
  STARTED_DOCKERD_PID=""
}

finish() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$FAILED" ] && [ ${#COMPOSE[@]} -gt 0 ] && [ "$FAILED" != build ]; then
    compose ps >&2 2>/dev/null
    compose logs --tail 30 >&2 2>/dev/null
  fi
  if [ "${BAZAAR_CHECK_KEEP:-}" = 1 ] && [ -z "$FAILED" ]; then
    log "kept running (BAZAAR_CHECK_KEEP=1): storefront on $HOST:$BAZAAR_STOREFRONT_PORT;" \
      "stop with: ${COMPOSE[*]} -p $PROJECT -f deploy/compose.yaml down -v"
  else
    FAILED_BEFORE_DOWN=$FAILED
    FAILED=""
    step down down
    [ -n "$FAILED" ] || FAILED=$FAILED_BEFORE_DOWN
    stop_dockerd
  fi
  rm -rf "$WORK"
  echo
  echo "container check, time per step:"
  printf '  %s\n' "${TIMES[@]}"
  if [ -n "$FAILED" ] || [ $status -ne 0 ]; then
    echo "container check FAILED${FAILED:+ at $FAILED}"
    [ "$FAILED_STEPS" -gt 0 ] || FAILED_STEPS=1
    echo "containers: $PASSED_STEPS passed, $FAILED_STEPS failed"
    exit 1
  fi
  echo "container check passed"
  echo "containers: $PASSED_STEPS passed, 0 failed"
  exit 0
}
trap finish EXIT
trap 'FAILED=${FAILED:-interrupted}; exit 130' INT TERM

main() {
  step engine engine
  step base-images ensure_base_images
  step build build_images
  step up up
  step hardening hardening
  step journey journey
  step observability observability
}
# On one line: bash has read all of it before it runs, so editing this file mid-run is harmless.
main; exit
