#!/usr/bin/env bash
# WebGPU bench on a rented GPU machine (no network, maybe no Node), run from the repo root there:
#   bash scripts/device/webgpu-h200.sh
# Needs .devcarry/ (filled here by scripts/device/pack.sh) and .gl/*.deb (the Vulkan loader and GL
# dispatch packages: libvulkan1, libegl1, libglvnd0, …). Writes adapter.json, matmul.json,
# models.json, base.json, train.txt and log.txt to "$OUT/" (default ./device-out). Each part has its
# own timeout; a failed part is reported and the next one still runs. About 6 minutes at most.
#   BERTNB_GPU_BENCH_SMALL=1   small sizes (to try the script on a software adapter)
set -u
cd "$(dirname "$0")/../.."
ROOT="$PWD"
OUT="${OUT:-$ROOT/device-out}"
mkdir -p "$OUT"
exec > >(tee -a "$OUT/log.txt") 2>&1
started=$(date +%s)
say() { printf '[webgpu-h200 +%3ss] %s\n' "$(($(date +%s) - started))" "$*"; }

# 1. Vulkan loader + GL dispatch from the carried .debs (no network here).
if compgen -G ".gl/*.deb" >/dev/null; then
  for f in .gl/*.deb; do dpkg -x "$f" / || say "dpkg -x $f failed"; done
  ldconfig || true
else
  say "no .gl/*.deb: relying on the machine's own Vulkan loader"
fi

# 2. Node: the machine's, or the carried copy.
CARRY="$ROOT/.devcarry"
[[ -d "$CARRY" ]] || { say "missing $CARRY: run bash scripts/device/pack.sh on the build machine first"; exit 1; }
if command -v node >/dev/null && node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' 2>/dev/null; then
  NODE="$(command -v node)"
else
  NODE=/tmp/bertnb-node/node
  mkdir -p /tmp/bertnb-node
  [[ -x "$NODE" ]] || { xz -dc "$CARRY/node.xz" >"$NODE" && chmod +x "$NODE"; } || say "could not unpack $CARRY/node.xz"
fi
say "node: $NODE $("$NODE" --version 2>&1)"

# 3. Dawn: the carried package (linux-x64 binary only), found like an installed GPU backend.
DAWN_DIR="$CARRY/native/node_modules/webgpu/dist/linux-x64"
[[ -f "$DAWN_DIR/dawn.node" ]] || xz -dc "$DAWN_DIR/dawn.node.xz" >"$DAWN_DIR/dawn.node"
export BERTNB_NATIVE_MODULES="$CARRY/native"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/bertnb-xdg}"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export OUT

BENCH=("$NODE" "$CARRY/webgpu-bench.js")

# part NAME SECONDS COMMAND...: bounded, failure printed, never stops the script.
part() {
  local name=$1 secs=$2
  shift 2
  say "== $name (at most ${secs}s)"
  timeout --kill-after=10 "$secs" "$@"
  local rc=$?
  if [[ $rc -ne 0 ]]; then say "!! $name failed (exit $rc$([[ $rc -eq 124 || $rc -eq 137 ]] && echo ', timed out'))"; fi
  return 0
}

# 4. The adapter: first with the loader's defaults, then with NVIDIA's ICD named explicitly.
# A software adapter (llvmpipe) counts as "not found" here: the point is the GPU.
hardware() { grep -q '"vendor"' "$OUT/adapter.json" 2>/dev/null && ! grep -q '"software": true' "$OUT/adapter.json"; }
part adapter 45 "${BENCH[@]}" adapter
if ! hardware; then
  NV_ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  say "no hardware adapter with the default Vulkan setup; retrying with VK_DRIVER_FILES=$NV_ICD ($([[ -f $NV_ICD ]] && echo present || echo 'not present'))"
  [[ -f "$OUT/adapter.json" ]] && mv "$OUT/adapter.json" "$OUT/adapter-default.json"
  VK_DRIVER_FILES="$NV_ICD" part adapter-nvidia-icd 45 "${BENCH[@]}" adapter
  if hardware; then
    export VK_DRIVER_FILES="$NV_ICD"
  else
    say "still no hardware adapter: check that the NVIDIA driver's Vulkan ICD and libvulkan1 are present"
    [[ -f "$OUT/adapter.json" ]] || { [[ -f "$OUT/adapter-default.json" ]] && mv "$OUT/adapter-default.json" "$OUT/adapter.json"; }
  fi
fi
if grep -q '"software": true' "$OUT/adapter.json" 2>/dev/null; then say "note: the adapter is a software one (no GPU driver reached): the figures below are CPU figures"; fi

# 5. Peak matmul, model forward / forward+backward at 32 × 128, a bert-base trainer step at 16 × 128.
part matmul 45 "${BENCH[@]}" matmul
part models 90 "${BENCH[@]}" models
part base 100 "${BENCH[@]}" base

# 6. The CLI end to end on the demo (bert-mini, 32 × 64) with backend webgpu in the training child
#    process: 30 steps (2 when small), no checkpoints.
DEMO_CFG=/tmp/bertnb-demo-webgpu.yaml
sed -e "s#^tokenizer: vocab.txt#tokenizer: $ROOT/media/demo/vocab.txt#" \
    -e "s#^  train: train.csv#  train: $ROOT/media/demo/train.csv#" \
    -e "s#^  validation: validation.csv#  validation: $ROOT/media/demo/validation.csv#" \
    -e "s#^  test: test.csv#  test: $ROOT/media/demo/test.csv#" \
    -e "s#^  output_dir: .*#  output_dir: /tmp/bertnb-demo-webgpu-out#" \
    -e "s#^  save_strategy: .*#  save_strategy: 'no'#" \
    -e "s#^  load_best_model_at_end: .*#  load_best_model_at_end: false#" \
    -e "s#^model: bert-mini#model: $([[ "${BERTNB_GPU_BENCH_SMALL:-}" == 1 ]] && echo bert-tiny || echo bert-mini)#" \
    -e "s#^  num_train_epochs: .*#  max_steps: $([[ "${BERTNB_GPU_BENCH_SMALL:-}" == 1 ]] && echo 2 || echo 30)#" \
    media/demo/config.yaml >"$DEMO_CFG"
rm -rf /tmp/bertnb-demo-webgpu-out
part cli-train 75 bash -c "'$NODE' '$CARRY/dist/cli.js' train '$DEMO_CFG' --backend webgpu >'$OUT/train.txt' 2>&1; rc=\$?; tail -n 25 '$OUT/train.txt'; exit \$rc"

say "done; results in $OUT: $(ls "$OUT" | tr '\n' ' ')"
