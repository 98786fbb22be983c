# junit-mirage domain creation, in the channel that then carries its console:
# $1 = config path, $2 = domain name, $3 = the config's text, then the xl command.
# Writes the config (renamed into place whole), destroys a leftover domain of that name (the name
# carries this run's tag, so it can only be ours, for example kept by an earlier failure), then
# becomes `xl create -c`: one round trip from config to console.
config=$1; name=$2; text=$3; shift 3
if ! { printf '%s' "$text" >"$config.part" && mv -f "$config.part" "$config"; }; then
  echo "junit-mirage: cannot write $config" >&2; exit 97
fi
if "$@" list "$name" >/dev/null 2>&1; then
  echo "junit-mirage: destroying stale domain $name before creating it anew" >&2
  "$@" destroy "$name" >&2
fi
exec "$@" create -c "$config"
