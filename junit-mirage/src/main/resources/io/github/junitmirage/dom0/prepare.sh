# junit-mirage work folder set-up: $1 = work folder, $2 = this run's tag.
# Creates the folder private (mode 700) and refuses one that another user owns or that others can
# write to: whoever can write there can swap a config between its upload and `xl create`.
work=$1; tag=$2
umask 077
mkdir -p "$work" || exit 1
if [ ! -O "$work" ]; then
  echo "work folder $work belongs to $(stat -c %U "$work"), not to $(id -un)" >&2; exit 3
fi
if [ -n "$(find "$work" -maxdepth 0 -perm /022)" ]; then
  echo "work folder $work can be written by others (mode $(stat -c %a "$work"))" >&2; exit 3
fi
mkdir -p "$work/images" "$work/runs/$tag"
