#!/usr/bin/env bash
# A ProcessMesh cluster on this machine: a Redis membership table and N silo processes on free loopback ports.
#
#   silo/local-cluster.sh up [N] [--redis HOST:PORT]   start N silos (default 3); Redis too, unless one is given
#   silo/local-cluster.sh status                       what runs, and the membership table's view of it
#   silo/local-cluster.sh down                         stop everything 'up' started
#
# The silo is built once (Release) and each silo runs from the built dll. State, pid files and logs live in
# $PROCESSMESH_CLUSTER_DIR (default: /tmp/processmesh-local-cluster). Environment: PROCESSMESH_CLUSTER_ID
# (default processmesh), PROCESSMESH_UP_TIMEOUT (seconds to wait for every silo to be active, default 90),
# PROCESSMESH_NO_BUILD=1 (use the existing build).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
dir="${PROCESSMESH_CLUSTER_DIR:-${TMPDIR:-/tmp}/processmesh-local-cluster}"
cluster_id="${PROCESSMESH_CLUSTER_ID:-processmesh}"
service_id="processmesh"
up_timeout="${PROCESSMESH_UP_TIMEOUT:-90}"
dll="$here/bin/Release/net10.0/ProcessMesh.Silo.dll"

say() { echo "local-cluster: $*" >&2; }
plural() { if [ "$1" = 1 ]; then echo "$2"; else echo "$2s"; fi; }
die() { say "$*"; exit 1; }

usage() {
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# A TCP port nobody listens on (and that this run has not handed out yet).
taken=" "
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 40000 ))
    case "$taken" in *" $port "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      taken="$taken$port "
      echo "$port"
      return 0
    fi
  done
  die "found no free loopback port"
}

redis_cli() { redis-cli -h "${redis%:*}" -p "${redis##*:}" "$@"; }

# The membership table's entries for this cluster, one "address status" line each (status 3 is Active).
members() {
  redis_cli --raw HGETALL "$service_id/members/$cluster_id" 2>/dev/null \
    | grep -o '"SiloAddress":{"SiloAddress":"[^"]*"},"Status":[0-9]' \
    | sed 's/"SiloAddress":{"SiloAddress":"\([^"]*\)"},"Status":\([0-9]\)/\1 \2/' || true
}

status_name() {
  case "$1" in 1) echo created ;; 2) echo joining ;; 3) echo active ;; 4) echo shutting-down ;; 5) echo stopping ;; 6) echo dead ;; *) echo "status-$1" ;; esac
}

install_redis() {
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 && return 0
  say "installing redis-server (apt)"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends redis-server >/dev/null \
    || die "could not install redis-server with apt; install it, or pass --redis HOST:PORT"
}

stop_pid() { # pidfile, name, seconds to wait after SIGTERM
  local file="$1" name="$2" wait="$3" pid
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 $(( wait * 5 ))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name (pid $pid) still running ${wait} s after SIGTERM: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

down() {
  [ -d "$dir" ] || { say "nothing to stop ($dir does not exist)"; return 0; }
  local stopped=0
  for file in "$dir"/silo-*.pid; do
    [ -e "$file" ] || continue
    kill -TERM "$(cat "$file")" 2>/dev/null || true  # all silos leave together
  done
  for file in "$dir"/silo-*.pid; do
    [ -e "$file" ] || continue
    stop_pid "$file" "$(basename "$file" .pid)" 30
    stopped=$((stopped + 1))
  done
  if [ -f "$dir/redis.pid" ]; then
    stop_pid "$dir/redis.pid" redis-server 10
    say "stopped $stopped $(plural "$stopped" silo) and the redis-server it started"
  else
    say "stopped $stopped $(plural "$stopped" silo)"
  fi
  rm -f "$dir/redis"
}

up() {
  local n=3 redis=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --redis) [ $# -ge 2 ] || die "--redis needs HOST:PORT"; redis="$2"; shift 2 ;;
      --redis=*) redis="${1#--redis=}"; shift ;;
      [0-9]*) n="$1"; shift ;;
      *) die "up: unknown argument '$1' (usage: up [N] [--redis HOST:PORT])" ;;
    esac
  done
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 64 ] || die "up: N must be a number from 1 to 64 (got '$n')"
  if [ -n "$redis" ] && ! [[ "$redis" =~ ^[^:[:space:]]+:[0-9]+$ ]]; then die "--redis: '$redis' is not HOST:PORT"; fi

  mkdir -p "$dir"
  for file in "$dir"/silo-*.pid "$dir/redis.pid"; do
    if alive "$file"; then die "a cluster is already up in $dir (run '$0 down' first, or set PROCESSMESH_CLUSTER_DIR)"; fi
  done
  rm -f "$dir"/*.pid "$dir/redis"
  mkdir -p "$dir/logs"
  rm -f "$dir"/logs/*.log

  # Anything that fails from here on stops what was started.
  trap 'status=$?; if [ $status -ne 0 ]; then say "up failed: stopping what it started"; down >/dev/null 2>&1 || true; fi' EXIT

  local started=$SECONDS
  install_redis
  if [ "${PROCESSMESH_NO_BUILD:-}" != 1 ]; then
    say "building the silo (Release)"
    dotnet build "$here/ProcessMesh.Silo.csproj" -c Release -nologo -v q >"$dir/logs/build.log" 2>&1 \
      || die "the silo did not build; see $dir/logs/build.log"
  fi
  [ -f "$dll" ] || die "no silo build at $dll (run without PROCESSMESH_NO_BUILD=1)"

  if [ -z "$redis" ]; then
    local port
    port="$(free_port)"
    redis="127.0.0.1:$port"
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
      >"$dir/logs/redis.log" 2>&1 &
    echo $! >"$dir/redis.pid"
    for _ in $(seq 1 50); do
      [ "$(redis_cli PING 2>/dev/null)" = PONG ] && break
      alive "$dir/redis.pid" || die "redis-server exited; see $dir/logs/redis.log"
      sleep 0.1
    done
    [ "$(redis_cli PING 2>/dev/null)" = PONG ] || die "redis-server did not answer on $redis within 5 s; see $dir/logs/redis.log"
    say "redis-server on $redis (pid $(cat "$dir/redis.pid"))"
  else
    [ "$(redis_cli PING 2>/dev/null)" = PONG ] || die "--redis: no Redis answered at $redis"
  fi
  echo "$redis" >"$dir/redis"

  local ports=()
  for i in $(seq 1 "$n"); do
    local silo_port gateway_port http_port
    silo_port="$(free_port)"
    gateway_port="$(free_port)"
    http_port="$(free_port)"
    ports+=("$silo_port")
    ProcessMesh__Clustering=redis \
    ProcessMesh__Redis="$redis" \
    ProcessMesh__AdvertisedAddress=127.0.0.1 \
    ProcessMesh__SiloPort="$silo_port" \
    ProcessMesh__GatewayPort="$gateway_port" \
    ProcessMesh__HttpPort="$http_port" \
    ProcessMesh__ClusterId="$cluster_id" \
    ProcessMesh__ServiceId="$service_id" \
      nohup dotnet "$dll" >"$dir/logs/silo-$i.log" 2>&1 </dev/null &
    echo $! >"$dir/silo-$i.pid"
    say "silo $i: silo port $silo_port, gateway 127.0.0.1:$gateway_port, http://127.0.0.1:$http_port/metrics (pid $!, log $dir/logs/silo-$i.log)"
  done

  local deadline=$(( SECONDS + up_timeout )) active=0
  while :; do
    for i in $(seq 1 "$n"); do
      if ! alive "$dir/silo-$i.pid"; then
        tail -n 5 "$dir/logs/silo-$i.log" >&2 || true
        die "silo $i exited before it joined; see $dir/logs/silo-$i.log"
      fi
    done
    local table
    table="$(members)"
    active=0
    for port in "${ports[@]}"; do
      if grep -q "^127\.0\.0\.1:$port@[0-9]* 3$" <<<"$table"; then active=$((active + 1)); fi
    done
    [ "$active" -eq "$n" ] && break
    [ $SECONDS -lt $deadline ] || die "only $active of $n silos were active in the membership table at redis $redis after ${up_timeout} s; logs in $dir/logs"
    sleep 0.25
  done

  trap - EXIT
  say "$n $(plural "$n" silo) active in $(( SECONDS - started )) s (cluster '$cluster_id', logs in $dir/logs)"
  local extra=""
  [ "$cluster_id" = processmesh ] || extra=" --cluster-id $cluster_id"
  echo "--redis $redis$extra"
}

status() {
  [ -f "$dir/redis" ] || { say "no cluster is up (nothing in $dir)"; return 1; }
  local redis
  redis="$(cat "$dir/redis")"
  local running=0 total=0
  for file in "$dir"/silo-*.pid; do
    [ -e "$file" ] || continue
    total=$((total + 1))
    if alive "$file"; then
      running=$((running + 1))
      echo "$(basename "$file" .pid): running (pid $(cat "$file"))"
    else
      echo "$(basename "$file" .pid): not running (log $dir/logs/$(basename "$file" .pid).log)"
    fi
  done
  if [ -f "$dir/redis.pid" ]; then
    alive "$dir/redis.pid" && echo "redis-server $redis: running (pid $(cat "$dir/redis.pid"))" || echo "redis-server $redis: not running"
  fi
  echo "membership table (cluster '$cluster_id'):"
  members | while read -r address code; do echo "  $address $(status_name "$code")"; done
  echo "$running of $total $(plural "$total" silo) running; join with: --redis $redis"
  [ "$running" -eq "$total" ]
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  up) up "$@" ;;
  status) status ;;
  down) down ;;
  *) usage ;;
esac
