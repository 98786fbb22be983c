# junit-mirage start-up sweep: $1 = work folder, $2 = this run's tag, then the xl command.
# Destroys domains whose name ends in a run tag (-jm + 10 hex digits) when that run's watchdog is
# no longer alive, and removes such runs' folders. Never touches other domains or live runs.
# Prints one line per destroyed domain.
work=$1; self=$2; shift 2
alive() { [ -f "$work/runs/$1/watchdog.pid" ] && kill -0 "$(cat "$work/runs/$1/watchdog.pid")" 2>/dev/null; }
kept() { grep -qxF "$2" "$work/runs/$1/keep" 2>/dev/null; }
for d in $("$@" list 2>/dev/null | awk 'NR > 1 { print $1 }' | grep -E -- '-jm[0-9a-f]{10}$'); do
  tag=${d##*-}
  [ "$tag" = "$self" ] && continue
  if ! alive "$tag" && ! kept "$tag" "$d"; then
    "$@" destroy "$d" >/dev/null 2>&1 && echo "destroyed $d"
  fi
done
for dir in "$work"/runs/jm*; do
  [ -d "$dir" ] || continue
  tag=${dir##*/}
  [ "$tag" = "$self" ] && continue
  alive "$tag" || [ -s "$dir/keep" ] || rm -rf "$dir"
done
