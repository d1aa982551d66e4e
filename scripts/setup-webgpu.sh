#!/usr/bin/env bash
# Installs what the WebGPU tests need on Debian 12: the Vulkan loader (libvulkan1) and Mesa's Vulkan
# drivers (lavapipe, a software GPU) from bookworm-backports. Why backports: Dawn refuses bookworm's
# own Mesa 22 ("shaderUniform*ArrayDynamicIndexing required"); Mesa 24+ works. The backports entry is
# derived from the machine's own Debian sources file (its first stanza, with the suite swapped), so no
# mirror host is written here and the machine's mirror/snapshot choice is kept.
# Idempotent: when a new enough driver and the loader are installed it only checks and exits (<1 s).
#   --check   report what is missing and exit 1 instead of installing
set -euo pipefail

MIN_MESA=24
SOURCES=/etc/apt/sources.list.d/debian.sources
OUR_SOURCES=/etc/apt/sources.list.d/bertnb-backports.sources

log() { printf '[setup-webgpu] %s\n' "$*"; }
version_of() { dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null | awk '/install ok installed/ {print $4}'; }

ready() {
  local mesa loader
  mesa="$(version_of mesa-vulkan-drivers)"
  loader="$(version_of libvulkan1)"
  [[ -n "$loader" && -n "$mesa" ]] && dpkg --compare-versions "$mesa" ge "$MIN_MESA"
}

if ready; then
  log "mesa-vulkan-drivers $(version_of mesa-vulkan-drivers) and libvulkan1 present"
  exit 0
fi
if [[ "${1:-}" == "--check" ]]; then
  log "missing: libvulkan1 and mesa-vulkan-drivers >= $MIN_MESA (run scripts/setup-webgpu.sh)"
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  log "not a Debian-like system (no apt-get): install a Vulkan driver (Mesa >= $MIN_MESA lavapipe, or your GPU's) and the Vulkan loader yourself"
  exit 1
fi

SUDO=()
[[ "$(id -u)" -ne 0 ]] && SUDO=(sudo -n)

codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
[[ -n "$codename" ]] || { log "cannot tell the Debian release from /etc/os-release"; exit 1; }
backports="$codename-backports"

if [[ ! -f "$OUR_SOURCES" ]]; then
  [[ -f "$SOURCES" ]] || { log "$SOURCES not found: cannot derive a $backports entry"; exit 1; }
  # First stanza (up to the first blank line), its Suites line replaced by the backports suite.
  stanza="$(awk 'NF == 0 { if (seen) exit; next } { seen = 1; print }' "$SOURCES" | sed -E "s/^Suites:.*/Suites: $backports/")"
  grep -q "^Suites: $backports\$" <<<"$stanza" || { log "no Suites line in the first stanza of $SOURCES"; exit 1; }
  log "adding $OUR_SOURCES (first stanza of $SOURCES, suite $backports)"
  printf '# Written by bertnb scripts/setup-webgpu.sh from %s\n%s\n' "$SOURCES" "$stanza" | "${SUDO[@]}" tee "$OUR_SOURCES" >/dev/null
fi

log "apt-get install -t $backports mesa-vulkan-drivers libvulkan1"
"${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
  --no-install-recommends -t "$backports" mesa-vulkan-drivers libvulkan1 >/dev/null

ready || { log "install finished but mesa-vulkan-drivers is $(version_of mesa-vulkan-drivers) (< $MIN_MESA)"; exit 1; }
log "done: mesa-vulkan-drivers $(version_of mesa-vulkan-drivers)"
