#!/usr/bin/env bash
# Tear down the single-node Slurm cluster started by up.sh (usage: see up.sh).
#   bash tests/slurm_cluster/down.sh             # cancel jobs, stop slurmd, slurmctld, munged
#   PURGE=1 bash tests/slurm_cluster/down.sh     # ... and delete $STATE
#   bash tests/slurm_cluster/down.sh slurm-only  # keep munged running
# Stops only processes named in $STATE pid files (TERM, up to 10 s, then KILL).
# Never fails when the cluster is already down.
set -uo pipefail

STATE=$(realpath -m "${STATE:-/tmp/zkd_mm_slurm}")
M=$STATE/munge
export SLURM_CONF=$STATE/slurm.conf

alive() {  # alive PIDFILE COMM: pid file names a live (non-zombie) process called COMM
  local pid; pid=$(cat "$1" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ && $(cat "/proc/$pid/comm" 2>/dev/null) == "$2" ]] || return 1
  ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}
stop() {  # stop PIDFILE COMM
  if alive "$1" "$2"; then
    local pid; pid=$(<"$1")
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do alive "$1" "$2" || break; sleep 0.1; done
    if alive "$1" "$2"; then
      echo "down.sh: $2 ($pid) ignored TERM for 10 s, sending KILL" >&2
      kill -KILL "$pid" 2>/dev/null; sleep 0.2
    fi
  fi
  rm -f "$1"
}

# Cancel this cluster's jobs and wait (max 30 s) until none is left.
if alive "$STATE/slurmctld.pid" slurmctld && alive "$STATE/slurmd.pid" slurmd; then
  timeout 10 squeue -h -o %A 2>/dev/null | xargs -r timeout 10 scancel 2>/dev/null
  for _ in $(seq 300); do
    [[ -z $(timeout 5 squeue -h -o %A 2>/dev/null) ]] && break
    sleep 0.1
  done
fi

stop "$STATE/slurmd.pid" slurmd
stop "$STATE/slurmctld.pid" slurmctld
[[ ${1:-} == slurm-only ]] && exit 0
stop "$M/munged.pid" munged

# Remove the /etc/hosts line up.sh added (if any), and nothing else.
if [[ -f $STATE/hosts_line ]]; then
  line=$(<"$STATE/hosts_line")
  grep -vxF -- "$line" /etc/hosts >"$STATE/hosts.tmp"
  (($? <= 1)) && cat "$STATE/hosts.tmp" >/etc/hosts && rm -f "$STATE/hosts_line"
  rm -f "$STATE/hosts.tmp"
fi

msg=
if [[ ${PURGE:-0} == 1 && $STATE != / ]]; then rm -rf "$STATE" && msg=", $STATE deleted"; fi
echo "down.sh: slurm cluster down$msg"
exit 0
