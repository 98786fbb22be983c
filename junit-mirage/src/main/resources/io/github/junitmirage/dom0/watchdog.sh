# junit-mirage run watchdog: $1 = run tag, $2 = run folder, $3 = grace (seconds), $4 = new or
# attach, then the xl command (xl or sudo -n xl).
#
# Holds the lock on the run folder (the sweep's sign of life) and reads the JVM's heartbeats, one
# line each, from its channel. It destroys the domains the run created (one <name>.xl config each,
# except those listed in "keep"), again 2 and 5 seconds later for an `xl create` that was still
# building, and removes the folder, when:
#   - the JVM says "bye" (the run ended);
#   - no heartbeat came for $3 seconds (a silent partition, a frozen or dead test host);
#   - the channel ended without "bye" (a killed JVM, a reset connection) and no new watchdog of
#     this run attached within $3 seconds.
# "attach" is how a JVM whose connection broke takes its run back: the new watchdog asks the old
# one to step aside, then takes the lock; the old one leaves without destroying anything.
tag=$1; rundir=$2; grace=$3; mode=$4; shift 4
trap '' HUP PIPE INT
if [ "$mode" = attach ]; then
  [ -d "$rundir" ] || { echo "run $tag is gone from dom0: its watchdog destroyed its domains" >&2; exit 3; }
  : >"$rundir/attach"
  exec 9>>"$rundir/lock"
  flock -w $((grace + 5)) 9 || { echo "run $tag: its old watchdog did not step aside" >&2; exit 1; }
  rm -f "$rundir/attach"
  [ -f "$rundir/lock" ] || { echo "run $tag is gone from dom0: its watchdog destroyed its domains" >&2; exit 3; }
else
  [ -d "$rundir" ] || mkdir -p "$rundir" || exit 1
  # Locked under another name, then renamed into place: a "lock" the sweep of a run opening beside
  # this one finds is always held (on a loaded dom0 starting flock can take a second).
  exec 9>"$rundir/lock.new"
  flock -n 9 || { echo "run $tag is already watched" >&2; exit 1; }
  mv -f "$rundir/lock.new" "$rundir/lock" || exit 1
fi
# The sweep's cheap sign of life: this shell's pid (kept by exec into bash), which it finds in /proc
# without starting a process; flock stays the proof.
echo "$$" >"$rundir/pid"
echo watching
# One line per beat: 0 = a beat, 1 = end of input, 2 = "bye", 124 = silence (timeout's status).
# Under bash (the launcher prefers it) a beat is read by the shell itself with read -t: no process
# per beat. A shell without read -t takes timeout and sh for each beat, two processes every sixth
# of the grace for as long as the run lives, which on an emulated dom0 is a good part of a second.
while :; do
  if [ -n "${BASH_VERSION:-}" ]; then
    if IFS= read -r -t "$grace" beat; then
      if [ "$beat" = bye ]; then why=2; else why=0; fi
    elif [ $? -gt 128 ]; then why=124; else why=1; fi
  else
    # (9>&-: the lock stays with this shell alone, and goes when it goes)
    timeout "$grace" sh -c 'IFS= read -r beat || exit 1; [ "$beat" != bye ] || exit 2' 9>&-
    why=$?
  fi
  [ "$why" = 0 ] && [ ! -e "$rundir/attach" ] || break
done
if [ "$why" = 1 ]; then
  waited=0
  while [ "$waited" -lt "$grace" ] && [ ! -e "$rundir/attach" ]; do
    sleep 1 9>&-; waited=$((waited + 1))
  done
fi
# A new watchdog of this run is waiting for the lock: it takes over when this one exits.
[ "$why" != 2 ] && [ -e "$rundir/attach" ] && exit 0
# Each round: the run's domains not marked kept (shell built-ins only), then one xl list for all
# of them, and xl destroy for those it shows; no xl at all for a run that created nothing. The
# rounds 2 and 5 s later are for an `xl create` that was still building: they happen only while
# one of the run's creates is alive (its pid beside its config) or this round destroyed something.
for pause in 0 2 5; do
  [ "$pause" = 0 ] || sleep "$pause"
  ours=; building=
  for config in "$rundir"/*.xl; do
    [ -f "$config" ] || continue
    d=${config##*/}; d=${d%.xl}; kept=
    if [ -f "$rundir/keep" ]; then
      while IFS= read -r k; do [ "$k" = "$d" ] && kept=1; done <"$rundir/keep"
    fi
    [ -n "$kept" ] && continue
    ours="$ours $d"
    pid=; [ -f "$config.pid" ] && read -r pid <"$config.pid"
    [ -n "$pid" ] && [ -d "/proc/$pid" ] && building=1
  done
  [ -n "$ours" ] || break
  listed=$("$@" list 2>/dev/null) || continue
  for d in $ours; do
    case "$listed" in *"
$d "*) "$@" destroy "$d" >/dev/null 2>&1; building=1 ;; esac
  done
  [ -n "$building" ] || break
done
if [ -s "$rundir/keep" ]; then rm -f "$rundir/lock"; else rm -rf "$rundir"; fi
