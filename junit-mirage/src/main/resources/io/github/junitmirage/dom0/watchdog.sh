# junit-mirage run watchdog: $1 = run tag, $2 = run folder, then the xl command (xl or sudo -n xl).
# Holds the lock on the run folder (the sweep's sign of life) and blocks until its SSH channel
# closes (the run ended, or its JVM died); then destroys the domains the run created (one
# <name>.xl config each) except those listed in "keep", again a few seconds later for an
# `xl create` that was still building when the JVM died, and removes the folder.
tag=$1; rundir=$2; shift 2
trap '' HUP PIPE INT
mkdir -p "$rundir" || exit 1
exec 9>"$rundir/lock"
flock -n 9 || { echo "run $tag is already watched" >&2; exit 1; }
echo watching
cat >/dev/null
for pause in 0 2 5; do
  sleep "$pause"
  for config in "$rundir"/*.xl; do
    [ -f "$config" ] || continue
    d=${config##*/}; d=${d%.xl}
    grep -qxF "$d" "$rundir/keep" 2>/dev/null && continue
    "$@" list "$d" >/dev/null 2>&1 && "$@" destroy "$d" >/dev/null 2>&1
  done
done
if [ -s "$rundir/keep" ]; then rm -f "$rundir/lock"; else rm -rf "$rundir"; fi
