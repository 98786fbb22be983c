# junit-mirage domain creation, in the channel that then carries its console:
# $1 = config path, $2 = domain name, $3 = "again" when this run created that name before,
# $4 = the config's text, then the xl command.
# Writes the config (renamed into place whole); for a name used before in this run (a domain kept
# by an earlier failure, say) destroys what is left of it; then becomes `xl create -c`: one round
# trip from config to console, and no xl call before it for a name the run has not used.
config=$1; name=$2; again=$3; text=$4; shift 4
if ! { printf '%s' "$text" >"$config.part" && mv -f "$config.part" "$config"; }; then
  echo "junit-mirage: cannot write $config" >&2; exit 97
fi
if [ "$again" = again ] && "$@" list "$name" >/dev/null 2>&1; then
  echo "junit-mirage: destroying stale domain $name before creating it anew" >&2
  "$@" destroy "$name" >&2
fi
exec "$@" create -c "$config"
