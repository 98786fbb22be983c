# junit-mirage run start, in one round trip: $1 = work folder, $2 = this run's tag, $3 = seconds
# xl list may take, then the xl command (xl or sudo -n xl). Exit status 3: the work folder is
# refused; 4: xl does not work (its output on stderr); 5: xl list did not answer in time;
# otherwise the sweep's lines on stdout.
#
# The work folder: created private (mode 700); one that another user owns or that others can
# write to is refused: whoever can write there can swap a config between its upload and `xl create`.
work=$1; tag=$2; wait=$3; shift 3
umask 077
[ -d "$work" ] || mkdir -p "$work" || exit 1
if [ ! -O "$work" ]; then
  echo "work folder $work belongs to $(stat -c %U "$work"), not to $(id -un)" >&2; exit 3
fi
if [ -n "$(find "$work" -maxdepth 0 -perm /022)" ]; then
  echo "work folder $work can be written by others (mode $(stat -c %a "$work"))" >&2; exit 3
fi
if [ -d "$work/images" ]; then mkdir -p "$work/runs/$tag"; else mkdir -p "$work/images" "$work/runs/$tag"; fi

# xl must work for this user (sudo that asks for a password, no xl on the PATH, no Xen).
out=$(timeout "$wait" "$@" list 2>&1); status=$?
[ "$status" = 124 ] && exit 5
[ "$status" = 0 ] || { printf '%s\n' "$out" >&2; exit 4; }

# The start-up sweep.
# A run is alive while its watchdog holds the lock on its folder (flock; a watchdog creates its
# "lock" already held). For each dead run of this work folder, destroys the domains it recorded
# (one <name>.xl config per domain it created) that it did not mark as kept, and removes the folder
# (kept while one of them could not be destroyed). Never touches a name it did not create, another
# work folder or a live run; what it cannot remove it reports and leaves. Prints one line each.
for dir in "$work"/runs/jm*; do
  [ -d "$dir" ] || continue
  run=${dir##*/}
  [ "$run" = "$tag" ] && continue
  if [ ! -e "$dir/lock" ]; then
    # No watchdog ever started: a run that is just starting, or one that died an hour ago.
    [ -n "$(find "$dir" -maxdepth 0 -mmin +60)" ] || continue
  else
    # A new watchdog of this run is taking it over (the lock passes from one to the other).
    [ -e "$dir/attach" ] && [ -z "$(find "$dir/attach" -mmin +10)" ] && continue
    # A watchdog whose pid is alive holds the lock: no process started to know it (with a pid
    # reused since, the run looks alive until that process goes, and is swept then).
    pid=; [ -f "$dir/pid" ] && read -r pid <"$dir/pid"
    [ -n "$pid" ] && [ -d "/proc/$pid" ] && continue
    # Its lock, tried on a descriptor of this shell: one process (flock), not two (flock, true).
    exec 8<"$dir/lock" || continue
    if ! flock -n 8 2>/dev/null; then exec 8<&-; continue; fi
    exec 8<&-
  fi
  failed=
  for config in "$dir"/*.xl; do
    [ -f "$config" ] || continue
    d=${config##*/}; d=${d%.xl}
    grep -qxF "$d" "$dir/keep" 2>/dev/null && continue
    if "$@" list "$d" >/dev/null 2>&1; then
      if "$@" destroy "$d" >/dev/null 2>&1; then echo "destroyed $d"; else
        echo "could not destroy $d (its record stays for the next sweep)"; failed=1
      fi
    fi
  done
  [ -s "$dir/keep" ] && continue
  # Without its record a domain it could not destroy would be nobody's: the next sweep tries again.
  [ -n "$failed" ] && continue
  rm -rf "$dir" 2>/dev/null || echo "could not remove $dir"
done
# The image cache (images/<sha256>/, touched on every use): beyond the newest 16, what has not
# been used for a day goes; anything unused for 30 days goes.
# (Counted by the shell first: with 16 or fewer there is nothing to sort, and no ls or tail.)
if [ -d "$work/images" ]; then
  set -- "$work"/images/*
  if [ $# -gt 16 ]; then
    ls -1t "$work/images" | tail -n +17 | while read -r sum; do
      if [ -n "$(find "$work/images/$sum" -maxdepth 0 -mtime +0)" ]; then
        rm -rf "${work:?}/images/$sum" 2>/dev/null || echo "could not remove $work/images/$sum"
      fi
    done
  fi
  [ -e "$1" ] && find "$work/images" -mindepth 1 -maxdepth 1 -type d -mtime +30 -exec rm -rf {} + 2>/dev/null
fi
exit 0
