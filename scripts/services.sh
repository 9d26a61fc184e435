#!/usr/bin/env bash
# Start Redis, Postgres and QuestDB on loopback, or reuse running ones, for
# development and tests.
#
# Usage: scripts/services.sh [up|down|status]
#
#   up      Reuse each service that already responds, otherwise start it and wait
#           for it, then create the application database. This is the default.
#   down    Stop only what this script started: QuestDB through its pid file,
#           Redis and Postgres only when a marker file under .services/ says so.
#   status  Print one line per service and exit 1 when any of them does not respond.
#
# docs/SERVICES.md and the Settings section of this script list the variables it
# reads, with their defaults. A service it cannot start makes `up` exit 1 with the
# command that would start it.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd)
STATE_DIR="$REPO_ROOT/.services"

# ---------------------------------------------------------------- Settings

REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/upstox_ingest}
QUESTDB_HTTP_URL=${QUESTDB_HTTP_URL:-http://127.0.0.1:9000}
QUESTDB_PG_PORT=${QUESTDB_PG_PORT:-8812}
QUESTDB_ILP_TCP_PORT=${QUESTDB_ILP_TCP_PORT:-9009}
QUESTDB_MIN_HTTP_PORT=${QUESTDB_MIN_HTTP_PORT:-9003}
QUESTDB_VERSION=${QUESTDB_VERSION:-}
# QuestDB reads its column files through memory maps outside the Java heap, so
# a 2 GB heap suits development and test machines.
QUESTDB_JAVA_OPTS=${QUESTDB_JAVA_OPTS:--Xmx2g}
SERVICES_WAIT_SECONDS=${SERVICES_WAIT_SECONDS:-90}

MAVEN_REPO_LOCAL="$HOME/.m2/repository"
QUESTDB_METADATA_URL="https://repo1.maven.org/maven2/org/questdb/questdb/maven-metadata.xml"
# QuestDB 9.4 and later are compiled for Java 25, while 9.x releases before 9.4
# run on Java 17.
QUESTDB_JAVA25_FROM="9.4"

QUESTDB_DATA_DIR="$STATE_DIR/questdb"
QUESTDB_LOG="$STATE_DIR/questdb.log"
QUESTDB_PID_FILE="$STATE_DIR/questdb.pid"
REDIS_MARKER="$STATE_DIR/redis.started"
POSTGRES_MARKER="$STATE_DIR/postgres.started"

# ---------------------------------------------------------------- Helpers

log() { printf '%s\n' "$*"; }
warn() { printf 'services.sh: %s\n' "$*" >&2; }
die() {
  warn "$*"
  exit 1
}

# Print a path relative to the repository root when it lies inside it.
show_path() {
  local path=$1
  if [[ $path == "$REPO_ROOT"/* ]]; then
    printf '%s' "${path#"$REPO_ROOT"/}"
  else
    printf '%s' "$path"
  fi
}

is_positive_int() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }

is_loopback() {
  case $1 in
    localhost | ::1 | 127.*) return 0 ;;
    *) return 1 ;;
  esac
}

# Read one URL into the named array: scheme host port user password path.
# Node's WHATWG URL parser does the work because node is always installed here.
# The user, password and path are percent-decoded, and $3 is the port used when
# the URL has none. The URL itself is never printed because it may contain a password.
parse_url() {
  local variable=$1 url=$2 default_port=$3 array_name=$4
  local output
  # One field per line, then an "end" line so that empty trailing fields survive
  # the command substitution. A decoded field containing a line break is rejected.
  # shellcheck disable=SC2016 # the quoted script expands its own variables
  if ! output=$(node -e '
    const [url, defaultPort] = process.argv.slice(1);
    const u = new URL(url);
    const fields = [
      u.protocol.replace(/:$/, ""),
      u.hostname.replace(/^\[(.*)\]$/, "$1"),
      u.port || defaultPort,
      decodeURIComponent(u.username),
      decodeURIComponent(u.password),
      decodeURIComponent(u.pathname.replace(/^\//, "")),
    ];
    if (fields.some((field) => /[\r\n\0]/.test(field))) process.exit(1);
    process.stdout.write(fields.join("\n") + "\nend\n");
  ' "$url" "$default_port" 2>/dev/null); then
    die "$variable is not a valid URL (value not shown because it may contain a password)"
  fi
  mapfile -t "$array_name" <<<"$output"
}

# Exit 0 when something accepts TCP connections on host $1, port $2.
port_open() {
  # shellcheck disable=SC2016 # the quoted script expands its own variables
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# Print the body of an HTTP GET, failing on a connection error or a non-2xx status.
# $2 is the timeout in seconds. It uses curl when installed and node's fetch otherwise.
http_get() {
  local url=$1 seconds=$2
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time "$seconds" "$url"
  else
    # shellcheck disable=SC2016 # the quoted script expands its own variables
    node -e '
      const [url, seconds] = process.argv.slice(1);
      fetch(url, { signal: AbortSignal.timeout(Number(seconds) * 1000) })
        .then(async (response) => {
          if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);
          process.stdout.write(await response.text());
        })
        .catch((error) => {
          console.error(error.message);
          process.exit(1);
        });
    ' "$url" "$seconds"
  fi
}

# Exit 0 when process $1 is alive and its command line contains $2.
pid_matches() {
  local pid=$1 pattern=$2 cmdline
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r /proc/$pid/cmdline ]]; then
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
  else
    cmdline=$(ps -o args= -p "$pid" 2>/dev/null) || return 1
  fi
  [[ $cmdline == *"$pattern"* ]]
}

# Exit 0 when version $1 >= version $2 (dotted numbers).
version_ge() {
  local sorted
  sorted=$(printf '%s\n%s\n' "$1" "$2" | sort -V)
  [[ ${sorted%%$'\n'*} == "$2" ]]
}

# ---------------------------------------------------------------- Redis

# Append one RESP array of the arguments to the caller's `payload` variable. The
# caller sets LC_ALL=C so that ${#arg} counts bytes, as RESP bulk strings need.
append_resp_array() {
  local arg
  payload+="*$#"$'\r\n'
  for arg in "$@"; do
    payload+="\$${#arg}"$'\r\n'"$arg"$'\r\n'
  done
}

# Send one command to Redis (after AUTH when REDIS_URL has credentials), then QUIT
# so the server closes the connection, and print the raw RESP replies.
redis_command() {
  local LC_ALL=C
  local payload=""
  if [[ -n $REDIS_PASSWORD ]]; then
    if [[ -n $REDIS_USER ]]; then
      append_resp_array AUTH "$REDIS_USER" "$REDIS_PASSWORD"
    else
      append_resp_array AUTH "$REDIS_PASSWORD"
    fi
  fi
  append_resp_array "$@"
  append_resp_array QUIT
  # The payload travels in the environment, not argv, so ps never shows a password.
  # shellcheck disable=SC2016 # the quoted script expands its own variables
  RESP_PAYLOAD=$payload timeout 5 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "%s" "$RESP_PAYLOAD" >&3
    cat <&3
  ' "$REDIS_HOST" "$REDIS_PORT" 2>/dev/null
}

redis_responds() {
  local reply
  reply=$(redis_command PING) || return 1
  [[ $reply == *"+PONG"* ]]
}

redis_version() {
  local reply line
  reply=$(redis_command INFO server) || return 0
  while IFS= read -r line; do
    line=${line%$'\r'}
    if [[ $line == redis_version:* ]]; then
      printf '%s' "${line#redis_version:}"
      return 0
    fi
  done <<<"$reply"
  printf 'unknown version'
}

redis_first_error() {
  local reply
  reply=$(redis_command PING) || return 0
  grep -m 1 '^-' <<<"$reply" | tr -d '\r' || true
}

redis_start_hint() {
  printf 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port %s --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log, or: docker compose up -d redis' "$REDIS_PORT"
}

redis_up() {
  local where="$REDIS_HOST:$REDIS_PORT"
  if redis_responds; then
    log "redis: reusing $where (Redis $(redis_version))"
    return 0
  fi
  if port_open "$REDIS_HOST" "$REDIS_PORT"; then
    warn "redis: $where accepts connections but did not reply PONG to PING: $(redis_first_error)"
    warn "redis: check the password in REDIS_URL, or stop whatever listens on port $REDIS_PORT"
    return 1
  fi
  if ! is_loopback "$REDIS_HOST"; then
    warn "redis: nothing responds at $where, and services.sh only starts services on loopback. Start Redis there or point REDIS_URL at 127.0.0.1"
    return 1
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    warn "redis: nothing responds at $where and redis-server is not installed. Start it with: $(redis_start_hint)"
    return 1
  fi

  # Use the system locations when this user may write there, else the repository's .services/.
  local data_dir=/var/lib/redis log_file=/var/log/redis/ci.log
  if [[ ! -d $data_dir || ! -w $data_dir || ! -d ${log_file%/*} || ! -w ${log_file%/*} ]]; then
    data_dir="$STATE_DIR/redis"
    log_file="$STATE_DIR/redis.log"
    mkdir -p "$data_dir"
  fi
  local pid_file="$STATE_DIR/redis.pid"
  # 9>&- keeps the lock descriptor (see take_lock) out of the long-lived server.
  if ! redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$data_dir" --logfile "$log_file" --pidfile "$pid_file" 9>&-; then
    warn "redis: redis-server failed to start on $where, see $log_file"
    return 1
  fi
  printf '%s %s\n' "$REDIS_HOST" "$REDIS_PORT" >"$REDIS_MARKER"

  local deadline=$((SECONDS + SERVICES_WAIT_SECONDS))
  until redis_responds; do
    if ((SECONDS >= deadline)); then
      warn "redis: timed out after ${SERVICES_WAIT_SECONDS}s waiting for PONG from $where. See $log_file, or start it with: $(redis_start_hint)"
      return 1
    fi
    sleep 0.5
  done
  local pid
  pid=$(cat "$pid_file" 2>/dev/null || echo unknown)
  log "redis: started Redis $(redis_version) on $where (pid $pid), data in $(show_path "$data_dir") (not persisted), log in $(show_path "$log_file")"
}

redis_down() {
  if [[ ! -f $REDIS_MARKER ]]; then
    log "redis: not started by services.sh, leaving $REDIS_HOST:$REDIS_PORT alone"
    return 0
  fi
  # Stop the server the marker names, even if REDIS_URL has changed since.
  read -r REDIS_HOST REDIS_PORT <"$REDIS_MARKER"
  if redis_responds; then
    redis_command SHUTDOWN NOSAVE >/dev/null || true
    local deadline=$((SECONDS + 30))
    while redis_responds; do
      if ((SECONDS >= deadline)); then
        warn "redis: still responding at $REDIS_HOST:$REDIS_PORT 30s after SHUTDOWN NOSAVE"
        return 1
      fi
      sleep 0.5
    done
    log "redis: stopped $REDIS_HOST:$REDIS_PORT"
  else
    log "redis: not running at $REDIS_HOST:$REDIS_PORT"
  fi
  rm -f "$REDIS_MARKER" "$STATE_DIR/redis.pid"
}

redis_status() {
  if redis_responds; then
    log "redis: responding at $REDIS_HOST:$REDIS_PORT (Redis $(redis_version))"
  else
    log "redis: not responding at $REDIS_HOST:$REDIS_PORT"
    return 1
  fi
}

# ---------------------------------------------------------------- Postgres

# Run a Postgres client tool with the credentials from DATABASE_URL in the
# environment (libpq reads PGPASSWORD), never on the command line.
pg_run() {
  PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=5 "$@"
}

pg_responds() {
  command -v pg_isready >/dev/null 2>&1 || return 1
  pg_isready -q -t 3 -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1
}

pg_version() {
  local version
  if version=$(pg_run psql -X -w -A -t -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres \
    -c 'show server_version' 2>/dev/null); then
    printf '%s' "${version%% *}"
  else
    printf 'unknown version'
  fi
}

pg_start_hint() {
  printf 'pg_ctlcluster --skip-systemctl-redirect <version> main start (pg_lsclusters lists them), or: docker compose up -d postgres'
}

postgres_up() {
  local where="$PG_HOST:$PG_PORT"
  if ! command -v pg_isready >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
    warn "postgres: pg_isready or psql is not installed, so $where cannot be checked. Install the PostgreSQL client (Debian: apt-get install postgresql-client)"
    return 1
  fi
  if pg_responds; then
    log "postgres: reusing $where (PostgreSQL $(pg_version))"
    return 0
  fi
  if ! is_loopback "$PG_HOST"; then
    warn "postgres: nothing responds at $where, and services.sh only starts services on loopback. Start Postgres there or point DATABASE_URL at 127.0.0.1"
    return 1
  fi
  if ! command -v pg_lsclusters >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null 2>&1; then
    warn "postgres: nothing responds at $where and the Debian cluster tools (pg_lsclusters, pg_ctlcluster) are not installed. Start it with: $(pg_start_hint)"
    return 1
  fi

  # pg_lsclusters -h prints: version cluster port status owner data-directory log-file.
  local version cluster port _status _owner data_dir log_file found=""
  while read -r version cluster port _status _owner data_dir log_file; do
    if [[ $port == "$PG_PORT" ]]; then
      found=yes
      break
    fi
  done < <(pg_lsclusters -h 2>/dev/null)
  if [[ -z $found ]]; then
    warn "postgres: nothing responds at $where and no local cluster is configured on port $PG_PORT (see pg_lsclusters). Start one with: $(pg_start_hint)"
    return 1
  fi
  if ! pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start 9>&-; then
    warn "postgres: pg_ctlcluster --skip-systemctl-redirect $version $cluster start failed for $where, see $log_file"
    return 1
  fi
  printf '%s %s\n' "$version" "$cluster" >"$POSTGRES_MARKER"

  local deadline=$((SECONDS + SERVICES_WAIT_SECONDS))
  until pg_responds; do
    if ((SECONDS >= deadline)); then
      warn "postgres: timed out after ${SERVICES_WAIT_SECONDS}s waiting for pg_isready at $where. See $log_file, or start it with: $(pg_start_hint)"
      return 1
    fi
    sleep 0.5
  done
  log "postgres: started cluster $version/$cluster (PostgreSQL $(pg_version)) on $where, data in $data_dir, log in $log_file"
}

# Create the database named in DATABASE_URL unless it exists.
postgres_create_database() {
  local exists
  # psql expands :'name' only in input it reads, not in -c, so the query comes on stdin.
  if ! exists=$(printf "select 1 from pg_database where datname = :'name';\n" |
    pg_run psql -X -w -A -t -q -v ON_ERROR_STOP=1 -v name="$PG_DATABASE" \
      -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres); then
    warn "postgres: failed to look up database $PG_DATABASE as user $PG_USER at $PG_HOST:$PG_PORT"
    return 1
  fi
  if [[ $exists == 1 ]]; then
    log "postgres: database $PG_DATABASE exists"
    return 0
  fi
  if ! pg_run createdb -w -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -- "$PG_DATABASE"; then
    warn "postgres: createdb $PG_DATABASE failed as user $PG_USER at $PG_HOST:$PG_PORT"
    return 1
  fi
  log "postgres: created database $PG_DATABASE"
}

postgres_down() {
  if [[ ! -f $POSTGRES_MARKER ]]; then
    log "postgres: not started by services.sh, leaving $PG_HOST:$PG_PORT alone"
    return 0
  fi
  local version cluster
  read -r version cluster <"$POSTGRES_MARKER"
  if ! pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" stop; then
    warn "postgres: pg_ctlcluster --skip-systemctl-redirect $version $cluster stop failed"
    return 1
  fi
  rm -f "$POSTGRES_MARKER"
  log "postgres: stopped cluster $version/$cluster ($PG_HOST:$PG_PORT)"
}

postgres_status() {
  if pg_responds; then
    log "postgres: responding at $PG_HOST:$PG_PORT (PostgreSQL $(pg_version))"
  else
    log "postgres: not responding at $PG_HOST:$PG_PORT"
    return 1
  fi
}

# ---------------------------------------------------------------- QuestDB

questdb_responds() {
  local body
  body=$(http_get "$QDB_BASE_URL/exec?query=select%201" 3 2>/dev/null) || return 1
  [[ $body == *'"dataset"'* ]]
}

questdb_version() {
  local body
  # build() returns for example "Build Information: QuestDB 9.3.4, JDK 24.0.2, ...".
  if body=$(http_get "$QDB_BASE_URL/exec?query=select%20build()" 3 2>/dev/null) &&
    [[ $body =~ QuestDB\ ([0-9][0-9A-Za-z.-]*) ]]; then
    printf '%s' "${BASH_REMATCH[1]}"
  else
    printf 'unknown version'
  fi
}

questdb_our_pid() {
  local pid
  [[ -f $QUESTDB_PID_FILE ]] || return 1
  pid=$(<"$QUESTDB_PID_FILE")
  # Matching the data directory too means a reused pid, or another QuestDB such
  # as one started by hand, is never taken for ours.
  pid_matches "$pid" "io.questdb.ServerMain -d $QUESTDB_DATA_DIR" || return 1
  printf '%s' "$pid"
}

questdb_start_hint() {
  printf 'java -Xmx2g -p ~/.m2/repository/org/questdb/questdb/<version>/questdb-<version>.jar -m io.questdb/io.questdb.ServerMain -d %s, or: docker compose up -d questdb' "$(show_path "$QUESTDB_DATA_DIR")"
}

# Print the major version of the Java runtime $1 (8 for "1.8.0_402").
java_major() {
  local output line
  output=$("$1" -version 2>&1) || return 1
  line=${output%%$'\n'*}
  [[ $line =~ \"([0-9]+)(\.([0-9]+))? ]] || return 1
  if [[ ${BASH_REMATCH[1]} == 1 && -n ${BASH_REMATCH[3]} ]]; then
    printf '%s' "${BASH_REMATCH[3]}"
  else
    printf '%s' "${BASH_REMATCH[1]}"
  fi
}

# Print the Java runtimes to consider, in order of preference: JAVA_HOME, the
# default java, then Temurin 25 and any other JDK 25 under /usr/lib/jvm.
java_candidates() {
  local candidate
  {
    [[ -n ${JAVA_HOME:-} ]] && printf '%s\n' "$JAVA_HOME/bin/java"
    command -v java 2>/dev/null || true
    for candidate in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*25*/bin/java; do
      printf '%s\n' "$candidate"
    done
  } | awk '!seen[$0]++' | while IFS= read -r candidate; do
    if [[ -x $candidate ]]; then
      printf '%s\n' "$candidate"
    fi
  done
}

# Print the first Java runtime whose major version is at least $1.
find_java() {
  local required=$1 candidate major
  while IFS= read -r candidate; do
    major=$(java_major "$candidate") || continue
    if ((major >= required)); then
      printf '%s' "$candidate"
      return 0
    fi
  done < <(java_candidates)
  return 1
}

questdb_required_java() {
  if version_ge "$1" "$QUESTDB_JAVA25_FROM"; then printf '25'; else printf '17'; fi
}

# Print the QuestDB release versions that Maven Central lists, newest first, or
# the versions already in the local Maven repository when Central cannot be read.
questdb_known_versions() {
  local metadata
  if metadata=$(http_get "$QUESTDB_METADATA_URL" 20 2>/dev/null); then
    grep -o '<version>[^<]*</version>' <<<"$metadata" | sed -e 's/<[^>]*>//g'
  else
    warn "questdb: could not read $QUESTDB_METADATA_URL, so choosing among the versions in $MAVEN_REPO_LOCAL/org/questdb/questdb"
    local jar
    for jar in "$MAVEN_REPO_LOCAL"/org/questdb/questdb/*/questdb-*.jar; do
      [[ -f $jar ]] && basename "$(dirname "$jar")"
    done
  fi | grep -E '^[0-9]+(\.[0-9]+)*$' | sort -V -r -u
}

# Set QDB_VERSION and QDB_JAVA: QUESTDB_VERSION when set, otherwise the newest
# release that one of the installed Java runtimes can run.
questdb_choose_version() {
  local version required
  if [[ -n $QUESTDB_VERSION ]]; then
    required=$(questdb_required_java "$QUESTDB_VERSION")
    if ! QDB_JAVA=$(find_java "$required"); then
      warn "questdb: QUESTDB_VERSION=$QUESTDB_VERSION needs Java $required or later, and none was found (JAVA_HOME, java on PATH, /usr/lib/jvm/*25*). Install it or choose a release below $QUESTDB_JAVA25_FROM"
      return 1
    fi
    QDB_VERSION=$QUESTDB_VERSION
    return 0
  fi

  local versions
  versions=$(questdb_known_versions) || true
  if [[ -z $versions ]]; then
    warn "questdb: no QuestDB version found on Maven Central or in $MAVEN_REPO_LOCAL. Set QUESTDB_VERSION, or start it with: $(questdb_start_hint)"
    return 1
  fi
  while IFS= read -r version; do
    required=$(questdb_required_java "$version")
    if QDB_JAVA=$(find_java "$required"); then
      QDB_VERSION=$version
      return 0
    fi
  done <<<"$versions"
  warn "questdb: no installed Java runtime can run any listed QuestDB version (each needs Java 17, and $QUESTDB_JAVA25_FROM or later needs Java 25)"
  return 1
}

# Print the jar path for QDB_VERSION, downloading it with Maven when missing.
questdb_fetch_jar() {
  local jar="$MAVEN_REPO_LOCAL/org/questdb/questdb/$QDB_VERSION/questdb-$QDB_VERSION.jar"
  if [[ -s $jar ]]; then
    printf '%s' "$jar"
    return 0
  fi
  if ! command -v mvn >/dev/null 2>&1; then
    warn "questdb: $jar is missing and mvn is not installed to fetch it. Install Maven, or start QuestDB with: docker compose up -d questdb"
    return 1
  fi
  warn "questdb: fetching org.questdb:questdb:$QDB_VERSION from Maven Central into $MAVEN_REPO_LOCAL"
  # Maven's output is shown only on failure, because even -q -B leaves color codes.
  local mvn_output
  if ! mvn_output=$(mvn -B -q dependency:get -Dartifact="org.questdb:questdb:$QDB_VERSION" -Dtransitive=false \
    -Dmaven.repo.local="$MAVEN_REPO_LOCAL" 2>&1); then
    printf '%s\n' "$mvn_output" >&2
    warn "questdb: mvn dependency:get failed for org.questdb:questdb:$QDB_VERSION"
    return 1
  fi
  if [[ ! -s $jar ]]; then
    warn "questdb: mvn reported success but $jar does not exist"
    return 1
  fi
  printf '%s' "$jar"
}

# Write conf/server.conf on every start, so the ports always follow the
# environment variables. QuestDB copies its other default files (log.conf,
# mime.types) into conf/ itself on first start.
questdb_write_config() {
  mkdir -p "$QUESTDB_DATA_DIR/conf"
  cat >"$QUESTDB_DATA_DIR/conf/server.conf" <<EOF
# Written by scripts/services.sh on every start, so edits here are lost.
# Reject unknown or misspelt keys instead of starting with defaults, so a
# renamed key can never leave a port bound to 0.0.0.0 unnoticed.
config.validation.strict=true
http.net.bind.to=127.0.0.1:$QDB_HTTP_PORT
http.min.net.bind.to=127.0.0.1:$QUESTDB_MIN_HTTP_PORT
pg.net.bind.to=127.0.0.1:$QUESTDB_PG_PORT
line.tcp.net.bind.to=127.0.0.1:$QUESTDB_ILP_TCP_PORT
telemetry.enabled=false
EOF
}

questdb_wait() {
  local pid=$1
  local deadline=$((SECONDS + SERVICES_WAIT_SECONDS))
  until questdb_responds; do
    if ! kill -0 "$pid" 2>/dev/null; then
      warn "questdb: the server process (pid $pid) exited before responding at $QDB_HTTP_HOST:$QDB_HTTP_PORT. Last lines of $(show_path "$QUESTDB_LOG"):"
      tail -n 20 "$QUESTDB_LOG" >&2 || true
      warn "questdb: fix the cause above and run scripts/services.sh up again, or start it with: $(questdb_start_hint)"
      rm -f "$QUESTDB_PID_FILE"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      warn "questdb: timed out after ${SERVICES_WAIT_SECONDS}s waiting for $QDB_BASE_URL/exec to respond (pid $pid, still running). See $(show_path "$QUESTDB_LOG"), and run scripts/services.sh up again to keep waiting"
      return 1
    fi
    sleep 0.5
  done
}

questdb_up() {
  local where="$QDB_HTTP_HOST:$QDB_HTTP_PORT" pid
  if questdb_responds; then
    if pid=$(questdb_our_pid); then
      log "questdb: reusing $where (QuestDB $(questdb_version), started by services.sh, pid $pid)"
    else
      log "questdb: reusing $where (QuestDB $(questdb_version))"
    fi
    return 0
  fi
  # A server this script started may still be opening its tables.
  if pid=$(questdb_our_pid); then
    log "questdb: waiting for the server started earlier (pid $pid) to respond at $where"
    questdb_wait "$pid" || return 1
    log "questdb: reusing $where (QuestDB $(questdb_version), started by services.sh, pid $pid)"
    return 0
  fi
  if port_open "$QDB_HTTP_HOST" "$QDB_HTTP_PORT"; then
    warn "questdb: $where accepts connections but GET /exec?query=select%201 failed. Stop whatever listens on port $QDB_HTTP_PORT or set QUESTDB_HTTP_URL"
    return 1
  fi
  # QuestDB binds IPv4 addresses only, so ::1 cannot be served.
  if [[ $QDB_HTTP_HOST != 127.* && $QDB_HTTP_HOST != localhost ]]; then
    warn "questdb: nothing responds at $where, and services.sh only starts QuestDB on an IPv4 loopback address. Start it there or point QUESTDB_HTTP_URL at 127.0.0.1"
    return 1
  fi
  if [[ $QDB_SCHEME != http ]]; then
    warn "questdb: QUESTDB_HTTP_URL uses $QDB_SCHEME://, but a QuestDB started by services.sh serves plain http://"
    return 1
  fi

  questdb_choose_version || return 1
  local jar
  jar=$(questdb_fetch_jar) || return 1
  questdb_write_config

  local java_opts
  read -r -a java_opts <<<"$QUESTDB_JAVA_OPTS"
  nohup "$QDB_JAVA" "${java_opts[@]}" -p "$jar" -m io.questdb/io.questdb.ServerMain -d "$QUESTDB_DATA_DIR" \
    </dev/null >>"$QUESTDB_LOG" 2>&1 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$QUESTDB_PID_FILE"

  questdb_wait "$pid" || return 1
  log "questdb: started QuestDB $(questdb_version) (Java $(java_major "$QDB_JAVA"), pid $pid) on $where," \
    "PostgreSQL wire on $QDB_BIND_HOST:$QUESTDB_PG_PORT, ILP TCP on $QDB_BIND_HOST:$QUESTDB_ILP_TCP_PORT," \
    "health on $QDB_BIND_HOST:$QUESTDB_MIN_HTTP_PORT"
  log "questdb: data in $(show_path "$QUESTDB_DATA_DIR"), log in $(show_path "$QUESTDB_LOG")," \
    "pid file $(show_path "$QUESTDB_PID_FILE")"
}

questdb_down() {
  local pid
  if ! pid=$(questdb_our_pid); then
    rm -f "$QUESTDB_PID_FILE"
    log "questdb: not started by services.sh (no QuestDB with data in $(show_path "$QUESTDB_DATA_DIR") is running), leaving $QDB_HTTP_HOST:$QDB_HTTP_PORT alone"
    return 0
  fi
  kill -TERM "$pid"
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      warn "questdb: pid $pid still running 30s after SIGTERM, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  rm -f "$QUESTDB_PID_FILE"
  log "questdb: stopped the server started by services.sh (pid $pid), data kept in $(show_path "$QUESTDB_DATA_DIR")"
}

questdb_status() {
  if questdb_responds; then
    log "questdb: responding at $QDB_HTTP_HOST:$QDB_HTTP_PORT (QuestDB $(questdb_version))"
  else
    log "questdb: not responding at $QDB_HTTP_HOST:$QDB_HTTP_PORT"
    return 1
  fi
}

# ---------------------------------------------------------------- Main

load_settings() {
  is_positive_int "$SERVICES_WAIT_SECONDS" ||
    die "SERVICES_WAIT_SECONDS must be a positive whole number of seconds, got '$SERVICES_WAIT_SECONDS'"
  local name
  for name in QUESTDB_PG_PORT QUESTDB_ILP_TCP_PORT QUESTDB_MIN_HTTP_PORT; do
    is_positive_int "${!name}" || die "$name must be a TCP port number, got '${!name}'"
  done

  local redis pg qdb
  parse_url REDIS_URL "$REDIS_URL" 6379 redis
  [[ ${redis[0]} == redis ]] ||
    die "REDIS_URL must start with redis://, because services.sh cannot check a TLS (rediss://) server"
  REDIS_HOST=${redis[1]} REDIS_PORT=${redis[2]} REDIS_USER=${redis[3]} REDIS_PASSWORD=${redis[4]}

  parse_url DATABASE_URL "$DATABASE_URL" 5432 pg
  [[ ${pg[0]} == postgres || ${pg[0]} == postgresql ]] ||
    die "DATABASE_URL must start with postgres:// or postgresql://"
  PG_HOST=${pg[1]} PG_PORT=${pg[2]} PG_USER=${pg[3]:-postgres} PG_PASSWORD=${pg[4]}
  # libpq connects to the database named like the user when the URL names none.
  PG_DATABASE=${pg[5]:-$PG_USER}

  parse_url QUESTDB_HTTP_URL "$QUESTDB_HTTP_URL" 80 qdb
  QDB_SCHEME=${qdb[0]} QDB_HTTP_HOST=${qdb[1]} QDB_HTTP_PORT=${qdb[2]}
  if [[ $QDB_HTTP_HOST == *:* ]]; then
    QDB_BASE_URL="$QDB_SCHEME://[$QDB_HTTP_HOST]:$QDB_HTTP_PORT"
  else
    QDB_BASE_URL="$QDB_SCHEME://$QDB_HTTP_HOST:$QDB_HTTP_PORT"
  fi
  QDB_BIND_HOST=127.0.0.1
}

# Serialize concurrent `up` and `down` runs, for example from parallel test jobs.
# Every server started while the lock is held gets 9>&-, or it would keep the
# lock open for its whole life and block the next run.
take_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$STATE_DIR/services.lock"
  if ! flock -w $((SERVICES_WAIT_SECONDS + 120)) 9; then
    die "timed out waiting for another services.sh run to release $(show_path "$STATE_DIR/services.lock")"
  fi
}

cmd_up() {
  take_lock
  local failed=0
  redis_up || failed=1
  if postgres_up; then
    postgres_create_database || failed=1
  else
    failed=1
  fi
  questdb_up || failed=1
  if ((failed)); then
    die "one or more services are unavailable (see the messages above)"
  fi
}

cmd_down() {
  take_lock
  local failed=0
  questdb_down || failed=1
  postgres_down || failed=1
  redis_down || failed=1
  ((failed == 0)) || die "one or more services failed to stop (see the messages above)"
}

cmd_status() {
  local failed=0
  redis_status || failed=1
  postgres_status || failed=1
  questdb_status || failed=1
  return "$failed"
}

main() {
  local command=${1:-up}
  case $command in
    up | down | status) ;;
    -h | --help | help)
      sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      return 0
      ;;
    *) die "unknown command '$command'. Use up, down or status." ;;
  esac
  (($# <= 1)) || die "too many arguments. Usage: scripts/services.sh [up|down|status]"

  mkdir -p "$STATE_DIR"
  load_settings
  "cmd_$command"
}

main "$@"
