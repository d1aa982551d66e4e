#!/usr/bin/env bash
# The bench's own set-up (run by `npm run bench`, never by `npm test`): installs Debian's
# python3-torch, the peer the training rows are measured against (bench/sideBySide/bert_train_step.py),
# with an optimised BLAS: libtorch only *recommends* one, and on the reference BLAS (libblas3) its
# matmuls run ~10x slower, which would flatter bertnb. Idempotent and quick: when `import torch` works
# and an optimised BLAS is installed it does nothing. `apt-get update` runs only
# when apt does not know the package yet. A failure here never stops the bench: the training rows then
# say that PyTorch is missing.
set -uo pipefail

log() { printf '[setup-bench] %s\n' "$*" >&2; }

# Debian's package installs into Debian's interpreter, which a pyenv/venv `python3` on PATH may hide;
# bench/sideBySide/torchStep.ts makes the same choice.
PY="${BERTNB_BENCH_PYTHON:-}"
if [[ -z "$PY" ]]; then
  if [[ -x /usr/bin/python3 ]]; then PY=/usr/bin/python3; else PY=python3; fi
fi
# libtorch's recommended BLAS implementations, any one of which replaces the reference libblas3.
FAST_BLAS=(libopenblas0 libblis3 libatlas3-base libmkl-rt)
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
have_fast_blas() {
  local p
  for p in "${FAST_BLAS[@]}"; do installed "$p" && return 0; done
  return 1
}
have_torch() { "$PY" -c 'import torch' >/dev/null 2>&1; }

if have_torch && { ! command -v dpkg-query >/dev/null 2>&1 || have_fast_blas; }; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  log "no apt-get here: install PyTorch for $PY by hand to get the PyTorch columns"
  exit 0
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if sudo -n true >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    log "not root and no password-less sudo: install python3-torch by hand (apt-get install python3-torch)"
    exit 0
  fi
fi

NEED=()
have_torch || NEED+=(python3-torch)
have_fast_blas || NEED+=(libopenblas0)

# A candidate of "(none)" (or no line at all) means the package lists do not know it yet.
# (Output captured first: grep -q closing the pipe early would fail the pipeline under pipefail.)
known() {
  local p out
  for p in "${NEED[@]}"; do
    out="$(apt-cache policy "$p" 2>/dev/null)"
    grep -Eq 'Candidate: [^(]' <<<"$out" || return 1
  done
}
# Lock::Timeout waits for another apt run on the machine instead of failing at once.
APT=("${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600)
if ! known; then
  log "apt-get update (${NEED[*]} not in the package lists)"
  "${APT[@]}" update -qq >/dev/null || log "apt-get update failed"
fi
if ! known; then
  log "${NEED[*]}: not available from apt here: the PyTorch columns will say so"
  exit 0
fi
log "apt-get install ${NEED[*]} (once; a few minutes)"
# No recommends: they are libtorch-dev and a compiler tool chain, none of which the bench needs.
if ! DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y -qq --no-install-recommends "${NEED[@]}" >/dev/null; then
  log "apt-get install ${NEED[*]} failed: the PyTorch columns will say so"
fi
exit 0
