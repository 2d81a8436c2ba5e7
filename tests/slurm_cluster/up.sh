#!/usr/bin/env bash
# Bring up a throwaway single-node Slurm cluster (munged + slurmctld + slurmd) for tests.
# Needs root and Debian 12 (slurm 22.05); no systemd or cgroups required.
#
# Usage:
#   bash tests/slurm_cluster/up.sh            # STATE defaults to /tmp/zkd_mm_slurm
#   source "${STATE:-/tmp/zkd_mm_slurm}/env.sh"   # exports SLURM_CONF, MASTER_ADDR
#   srun -n2 --cpus-per-task=1 --immediate=60 python ...
#   bash tests/slurm_cluster/down.sh          # PURGE=1 also deletes $STATE
#
# A requeued job may start again cred_expire (CRED_EXPIRE, default 5; Slurm's is
# 120) seconds after the requeue, plus a scheduling pass.
# Installs slurmctld/slurmd/slurm-client/munge only if a binary is missing. All state
# (munge key/socket/log, slurm.conf, spool, logs, pid files) lives under $STATE.
# Idempotent: daemons alive per pid file + /proc/PID/comm are left alone; if the
# generated slurm.conf changed, the slurm daemons are restarted.
set -euo pipefail

STATE=$(realpath -m "${STATE:-/tmp/zkd_mm_slurm}")
M=$STATE/munge
CONF=$STATE/slurm.conf
HOST=$(hostname -s)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export SLURM_CONF=$CONF

die() {
  echo "up.sh: ERROR: $*" >&2
  for f in "$M/munged.log" "$STATE/log/slurmctld.log" "$STATE/log/slurmd.log"; do
    [[ -s $f ]] && { echo "--- tail $f" >&2; tail -n 20 "$f" >&2; }
  done
  exit 1
}
alive() {  # alive PIDFILE COMM: pid file names a live (non-zombie) process called COMM
  local pid; pid=$(cat "$1" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ && $(cat "/proc/$pid/comm" 2>/dev/null) == "$2" ]] || return 1
  ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}
wait_alive() {  # wait_alive PIDFILE COMM: up to 10 s
  for _ in $(seq 100); do alive "$1" "$2" && return 0; sleep 0.1; done
  die "$2 did not start (no live pid in $1)"
}

# 1. Packages (only if something is missing).
for b in munged mungekey slurmctld slurmd sinfo srun; do
  command -v "$b" >/dev/null && continue
  pkgs=(slurmctld slurmd slurm-client munge)
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "${pkgs[@]}" >/dev/null ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${pkgs[@]}" >/dev/null; } ||
    die "apt-get install ${pkgs[*]} failed"
  break
done

mkdir -p "$M" "$STATE/log" "$STATE/spool" "$STATE/ctld"

# 2. The short host name must resolve; if not, map it to 127.0.0.1 (down.sh removes the line).
if ! getent hosts "$HOST" >/dev/null; then
  line="127.0.0.1 $HOST # zkd_mm slurm_cluster $STATE"
  echo "$line" >>/etc/hosts && printf '%s\n' "$line" >"$STATE/hosts_line"
  getent hosts "$HOST" >/dev/null || die "host name $HOST does not resolve"
fi

# 3. munged as user munge, with its own key/socket/pid/log/seed under $M.
chown munge:munge "$M" && chmod 755 "$M"
if ! alive "$M/munged.pid" munged; then
  [[ -s $M/munge.key ]] || runuser -u munge -- mungekey -c -k "$M/munge.key" || die "mungekey failed"
  rm -f "$M/munged.pid"
  runuser -u munge -- munged -S "$M/munge.socket.2" --key-file="$M/munge.key" \
    --pid-file="$M/munged.pid" --log-file="$M/munged.log" --seed-file="$M/munged.seed" ||
    die "munged failed to start"
  wait_alive "$M/munged.pid" munged
fi
munge -n -S "$M/munge.socket.2" | unmunge -S "$M/munge.socket.2" >/dev/null || die "munge self-test failed"

# 4. slurm.conf (node line from `slurmd -C`).
node=$(slurmd -C 2>/dev/null | grep -m1 '^NodeName=') || die "slurmd -C failed"
node=$(sed -E "s/^NodeName=[^ ]+/NodeName=$HOST/" <<<"$node")
cat >"$CONF.new" <<EOF
ClusterName=zkdmm
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$M/munge.socket.2,cred_expire=${CRED_EXPIRE:-5}
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
EnforcePartLimits=ALL
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
KillWait=5
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
if ! cmp -s "$CONF.new" "$CONF"; then
  [[ -f $CONF ]] && STATE=$STATE bash "$HERE/down.sh" slurm-only
  mv "$CONF.new" "$CONF"
else
  rm -f "$CONF.new"
fi

# 5. slurmctld + slurmd (daemon mode; each writes its own pid file).
if ! alive "$STATE/slurmctld.pid" slurmctld; then
  slurmctld -c -f "$CONF" || die "slurmctld failed to start"
  wait_alive "$STATE/slurmctld.pid" slurmctld
fi
if ! alive "$STATE/slurmd.pid" slurmd; then
  slurmd -f "$CONF" || die "slurmd failed to start"
  wait_alive "$STATE/slurmd.pid" slurmd
fi

# 6. Wait (max 30 s) for the node to be idle; resume it if drained/down.
st=
for i in $(seq 300); do
  st=$(timeout 5 sinfo -h -n "$HOST" -o %T 2>/dev/null || true)
  [[ $st == idle || $st == mixed || $st == allocated ]] && break
  if [[ $st =~ drain|down ]] && ((i % 20 == 1)); then
    scontrol update NodeName="$HOST" State=RESUME >/dev/null 2>&1 || true
  fi
  sleep 0.1
done
[[ $st == idle || $st == mixed || $st == allocated ]] || die "node $HOST not idle after 30 s (state: '${st:-?}')"

printf 'export SLURM_CONF=%q\nexport MASTER_ADDR=127.0.0.1\n' "$CONF" >"$STATE/env.sh"
echo "up.sh: slurm cluster up (node $HOST $st); run: source $STATE/env.sh"
