#!/usr/bin/env bash
# A 2-shard ClickHouse cluster on loopback for dfwsim's ClickHouse tests and bench (issue 11):
# two clickhouse-server processes (Debian's 18.16), each with its own config, data dir and ports
# under one state dir, and a `remote_servers` cluster named `dfwsim` of 2 shards with one
# replica each (no ZooKeeper: tables are created on each shard, not ON CLUSTER).
#
#   scripts/clickhouse-cluster.sh start   start both servers (if not running) and wait until both answer
#   scripts/clickhouse-cluster.sh stop    stop both servers and remove the state dir
#   scripts/clickhouse-cluster.sh env     print `export DFWSIM_CLICKHOUSE_URL=... DFWSIM_CLICKHOUSE_SHARDS=...`
#
# DFWSIM_CH_DIR (default: $TMPDIR/dfwsim-clickhouse-<uid>) and DFWSIM_CH_PORT (default 18123:
# shard k uses HTTP PORT+k, native TCP PORT+1000+k, interserver PORT+2000+k) choose where.
set -euo pipefail

dir="${DFWSIM_CH_DIR:-${TMPDIR:-/tmp}/dfwsim-clickhouse-$(id -u)}"
base="${DFWSIM_CH_PORT:-18123}"
server="$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)"
shards=(0 1)

http_port() { echo $((base + $1)); }
tcp_port() { echo $((base + 1000 + $1)); }

config() { # shard index -> config.xml
  local k=$1 d="$dir/shard$1"
  cat <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$d/log/server.log</log><errorlog>$d/log/server.err.log</errorlog><size>50M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$(http_port "$k")</http_port>
  <tcp_port>$(tcp_port "$k")</tcp_port>
  <interserver_http_port>$((base + 2000 + k))</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <max_connections>256</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>64</max_concurrent_queries>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <path>$d/data/</path>
  <tmp_path>$d/tmp/</tmp_path>
  <user_files_path>$d/user_files/</user_files_path>
  <format_schema_path>$d/format_schemas/</format_schema_path>
  <users_config>$d/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <remote_servers>
    <dfwsim>
$(for s in "${shards[@]}"; do echo "      <shard><replica><host>127.0.0.1</host><port>$(tcp_port "$s")</port></replica></shard>"; done)
    </dfwsim>
  </remote_servers>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
</yandex>
XML
}

users() {
  cat <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage><load_balancing>in_order</load_balancing></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
}

answers() { # shard index -> 0 when its HTTP port answers a query
  [ "$(curl -fsS --max-time 2 "http://127.0.0.1:$(http_port "$1")/?query=SELECT%201" 2>/dev/null)" = "1" ]
}

running() { [ -f "$dir/shard$1/pid" ] && kill -0 "$(cat "$dir/shard$1/pid")" 2>/dev/null; }

start() {
  [ -x "$server" ] || { echo "clickhouse-server not found (apt-get install clickhouse-server)" >&2; exit 2; }
  for k in "${shards[@]}"; do
    local d="$dir/shard$k"
    if running "$k"; then continue; fi
    mkdir -p "$d/log" "$d/data" "$d/tmp" "$d/user_files" "$d/format_schemas"
    config "$k" >"$d/config.xml"
    users >"$d/users.xml"
    # setsid: the servers outlive the shell that started them (stop ends them by pid)
    setsid "$server" --config-file="$d/config.xml" >"$d/log/stdout.log" 2>&1 </dev/null &
    echo $! >"$d/pid"
  done
  for k in "${shards[@]}"; do
    local i=0
    until answers "$k"; do
      if ! running "$k"; then echo "clickhouse shard $k exited; its log:" >&2; tail -20 "$dir/shard$k/log/"*.log >&2 || true; exit 1; fi
      i=$((i + 1))
      if [ "$i" -gt 120 ]; then echo "clickhouse shard $k did not answer within 60 s" >&2; exit 1; fi
      sleep 0.5
    done
  done
  echo "clickhouse cluster dfwsim up: http://127.0.0.1:$(http_port 0) http://127.0.0.1:$(http_port 1)" >&2
}

stop() {
  for k in "${shards[@]}"; do
    local f="$dir/shard$k/pid"
    [ -f "$f" ] || continue
    local pid; pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
  rm -rf "$dir"
}

env_lines() {
  echo "export DFWSIM_CLICKHOUSE_URL=http://127.0.0.1:$(http_port 0)"
  echo "export DFWSIM_CLICKHOUSE_SHARDS=http://127.0.0.1:$(http_port 0),http://127.0.0.1:$(http_port 1)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) env_lines ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
