# junit-mirage domain creation, in the channel that then carries its console:
# $1 = config path, $2 = domain name, $3 = "again" when this run created that name before,
# $4 = the config's text, then the xl command.
# Writes the config (the run's record of the domain: the sweep and the watchdog go by its name)
# and, beside it, this shell's pid, which stays that of `xl create` while it builds the domain and
# then relays its console (the watchdog looks again a little later while one is alive); for a name
# used before in this run (a domain kept by an earlier failure, say) destroys what is left of it;
# then becomes `xl create -c`: one round trip from config to console, and no xl call before it for
# a name the run has not used. Shell built-ins only, but for xl.
config=$1; name=$2; again=$3; text=$4; shift 4
if ! { printf '%s' "$text" >"$config" && echo "$$" >"$config.pid"; }; then
  echo "junit-mirage: cannot write $config" >&2; exit 97
fi
if [ "$again" = again ] && "$@" list "$name" >/dev/null 2>&1; then
  echo "junit-mirage: destroying stale domain $name before creating it anew" >&2
  "$@" destroy "$name" >&2
fi
exec "$@" create -c "$config"
