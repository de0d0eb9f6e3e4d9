#!/usr/bin/env bash
# The machine programs the test suite starts on loopback (Debian packages): `redis-server` and `postgresql`
# (its binaries live under /usr/lib/postgresql/<version>/bin, off the PATH) for the shared voucher store tests,
# Debian's `chromium` for the browser dApp test (test/dapp, driven by playwright-core, never a downloaded browser).
# Runs before `npm test` (the `pretest` script) and in `.ci/run`.
#
# Installs what is missing with apt-get when it can (root, or password-less sudo); otherwise prints one line
# naming what to install and how, and exits 1 so the suite does not run for minutes to fail on it.
set -euo pipefail

# Debian's `chromium` package installs /usr/bin/chromium; CHROMIUM_PATH names another build (as the test reads it).
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || missing+=(postgresql)
[ -x "$chromium_path" ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

packages="${missing[*]}"
if [ ${#missing[@]} -eq 1 ]; then what="${packages} is missing"; else what="${packages// / and } are missing"; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "z402: ${what}; install ${packages} with your package manager (Debian: apt-get install ${packages}), then rerun npm test" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "z402: ${what}; run \`sudo apt-get update && sudo apt-get install -y ${packages}\`, then rerun npm test" >&2
  exit 1
fi

echo "z402: installing ${packages} for the tests (apt-get)" >&2
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
