# junit-mirage run watchdog: $1 = run tag, $2 = run folder, then the xl command (xl or sudo -n xl).
# Blocks until its SSH channel closes (the test run ended, or its JVM died), then destroys the
# run's domains except those listed in the run folder's "keep" file.
tag=$1; rundir=$2; shift 2
trap '' HUP PIPE INT
mkdir -p "$rundir" && echo $$ >"$rundir/watchdog.pid"
echo watching
cat >/dev/null
for d in $("$@" list 2>/dev/null | awk -v t="-$tag" 'NR > 1 && length($1) > length(t) && substr($1, length($1) - length(t) + 1) == t { print $1 }'); do
  grep -qxF "$d" "$rundir/keep" 2>/dev/null || "$@" destroy "$d" >/dev/null 2>&1
done
if [ -s "$rundir/keep" ]; then rm -f "$rundir/watchdog.pid"; else rm -rf "$rundir"; fi
