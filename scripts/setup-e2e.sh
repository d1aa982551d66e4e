#!/usr/bin/env bash
# Installs what the real-VS-Code end-to-end tests need, with no manual step and no network but the npm
# registry and Debian's packages: Chromium + ripgrep + build deps (apt), and code-server 4.100.3 (VS Code
# 1.100.3, the last one that runs on Node 20) into .e2e/code-server. Idempotent: a stamp file makes a
# second run take well under a second. Why each step is needed: shared/docs/real-vscode.md.
#   BERTNB_E2E_DIR   where code-server goes (default: <repo>/.e2e)
#   --force          reinstall code-server even when the stamp says it is done
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
E2E_DIR="${BERTNB_E2E_DIR:-$ROOT/.e2e}"
PREFIX="$E2E_DIR/code-server"
CS="$PREFIX/node_modules/code-server"
VSCODE="$CS/lib/vscode"
# The stamp names what the install depends on (native modules are built for this Node). It does not
# hash this script: a reinstall under other helpers' running servers would pull files from under them.
STAMP="$PREFIX/.setup-stamp"
STAMP_VALUE="code-server@$CODE_SERVER_VERSION node@$(node --version)"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

started=$(date +%s)
log() { printf '[setup-e2e +%3ss] %s\n' "$(($(date +%s) - started))" "$*"; }

# npm's own node-gyp, so nothing extra is fetched; the headers come from the Node install when present
# (Debian's nodejs ships them in /usr/include/node), otherwise node-gyp fetches them via its usual path.
NODE_GYP="$(npm root -g 2>/dev/null)/npm/node_modules/node-gyp/bin/node-gyp.js"
NODEDIR_ARGS=()
NODE_PREFIX="$(dirname "$(dirname "$(command -v node)")")"
if [[ -f "$NODE_PREFIX/include/node/node.h" ]]; then
  NODEDIR_ARGS=(--nodedir="$NODE_PREFIX")
  # `npm rebuild` and node-pty's `npx node-gyp` read it from the environment: no header download.
  export npm_config_nodedir="$NODE_PREFIX"
fi
gyp_rebuild() { (cd "$1" && node "$NODE_GYP" rebuild --jobs=max "${NODEDIR_ARGS[@]}" >/dev/null); }

apt_packages() {
  local need=() pkg
  for pkg in chromium ripgrep libkrb5-dev pkg-config; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
  done
  # build-essential is normally present; node-gyp needs make + g++.
  command -v make >/dev/null && command -v g++ >/dev/null || need+=(build-essential)
  [[ ${#need[@]} -eq 0 ]] && { log "apt packages present"; return; }
  local SUDO=()
  [[ "$(id -u)" -ne 0 ]] && SUDO=(sudo -n)
  log "apt-get install ${need[*]}"
  # Lock::Timeout waits for another apt run (other tools on the machine) instead of failing at once.
  "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${need[@]}" >/dev/null
}

# code-server writes a default config file on every start; keep it out of the user's home.
cs_version() { XDG_CONFIG_HOME="$PREFIX/xdg-config" node "$CS/out/node/entry.js" --version 2>/dev/null | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ '; }
code_server_ok() { [[ -f "$CS/out/node/entry.js" ]] && cs_version | grep -q "^$CODE_SERVER_VERSION "; }

install_code_server() {
  rm -rf "$PREFIX"
  mkdir -p "$PREFIX"
  # Its own package.json stops npm from walking up into the project's package.json.
  printf '{ "name": "bertnb-e2e-code-server", "private": true }\n' >"$PREFIX/package.json"
  # yes=true: node-pty's install script runs `npx node-gyp`, which must not stop at a prompt.
  export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false npm_config_loglevel=error
  export npm_config_yes=true
  # node-gyp reads npm_config_jobs: compile with every core.
  export npm_config_jobs=max

  # Plain install runs a postinstall that downloads ripgrep from GitHub; do its steps by hand instead.
  log "npm install code-server@$CODE_SERVER_VERSION (scripts off)"
  (cd "$PREFIX" && npm install --no-save --ignore-scripts --no-package-lock "code-server@$CODE_SERVER_VERSION" >/dev/null)

  log "lib/vscode: npm install --omit=dev"
  (cd "$VSCODE" && npm install --omit=dev --ignore-scripts >/dev/null)

  log "lib/vscode: native modules (kerberos node-pty spdlog)"
  (cd "$VSCODE" && npm rebuild kerberos node-pty @vscode/spdlog >/dev/null)
  local m
  for m in @parcel/watcher native-watchdog @vscode/deviceid; do
    log "lib/vscode: node-gyp rebuild $m"
    gyp_rebuild "$VSCODE/node_modules/$m"
  done

  log "ripgrep from Debian, links the postinstall would make"
  mkdir -p "$VSCODE/node_modules/@vscode/ripgrep/bin"
  cp "$(command -v rg)" "$VSCODE/node_modules/@vscode/ripgrep/bin/rg"
  ln -sfn node_modules "$VSCODE/node_modules.asar"
  ln -sfn code-linux.sh "$VSCODE/bin/remote-cli/code-server"
  ln -sfn browser-linux.sh "$VSCODE/bin/helpers/browser.sh"

  log "lib/vscode/extensions: npm install --omit=dev"
  (cd "$VSCODE/extensions" && npm install --omit=dev --ignore-scripts >/dev/null)

  log "argon2 rebuild"
  (cd "$PREFIX" && npm rebuild argon2 >/dev/null)
}

is_done() { [[ -f "$STAMP" && "$(cat "$STAMP")" == "$STAMP_VALUE" ]] && code_server_ok; }

apt_packages
if [[ $FORCE -eq 0 ]] && is_done; then
  log "code-server $CODE_SERVER_VERSION already set up in $PREFIX"
  exit 0
fi
# Two test runs starting at once must not install into the same folder together.
mkdir -p "$E2E_DIR"
exec 9>"$E2E_DIR/.setup.lock"
flock 9
if [[ $FORCE -eq 0 ]] && is_done; then
  log "code-server $CODE_SERVER_VERSION was set up by a concurrent run"
  exit 0
fi
install_code_server
version_line="$(cs_version || true)"
if ! code_server_ok; then
  echo "setup-e2e: code-server did not report version $CODE_SERVER_VERSION (got: $version_line)" >&2
  exit 1
fi
printf '%s' "$STAMP_VALUE" >"$STAMP"
log "done: $version_line"
