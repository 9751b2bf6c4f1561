#!/usr/bin/env bash
# A throwaway 3-master Redis Cluster on free loopback ports, for the Cluster test suite.
#   scripts/redis-cluster.sh start DIR   starts it, prints REDIS_CLUSTER_NODES=host:port,...
#   scripts/redis-cluster.sh stop DIR    stops the servers it started, by PID
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?state folder}

free_port() {
  local port
  for port in $(seq "$1" 65000); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

if [ "$cmd" = stop ]; then
  for pidfile in "$dir"/*.pid; do [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true; done
  exit 0
fi

mkdir -p "$dir"
nodes=(); port=17000
for i in 1 2 3; do
  port=$(free_port $((port + 1)))
  mkdir -p "$dir/$port"
  redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/$port/nodes.conf" \
    --cluster-node-timeout 2000 --save "" --appendonly no --dir "$dir/$port" --daemonize yes \
    --pidfile "$dir/$port.pid" --logfile "$dir/$port/redis.log"
  nodes+=("127.0.0.1:$port")
done
for node in "${nodes[@]}"; do
  until redis-cli -p "${node##*:}" ping >/dev/null 2>&1; do sleep 0.1; done
done
redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1
for _ in $(seq 100); do
  redis-cli -p "${nodes[0]##*:}" cluster info | grep -q 'cluster_state:ok' && break
  sleep 0.1
done
(IFS=,; echo "REDIS_CLUSTER_NODES=${nodes[*]}")
