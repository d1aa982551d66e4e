#!/usr/bin/env bash
# Fills .devcarry/ (git-ignored) with what scripts/device/webgpu-h200.sh needs on a machine with no
# network and maybe no Node: a bundled device bench, the CLI bundles + WASM binaries, Dawn's JS and
# its linux-x64 binary only (the npm package carries every platform: 132 MB), and an xz copy of this
# machine's node (dynamically linked: it needs libstdc++6 there). Takes ~3 minutes on 2 cores (xz).
# Run from the repo root, here (not on the device machine): bash scripts/device/pack.sh
#   BERTNB_PACK_NODE_XZ=FILE   reuse an already compressed node instead of xz-ing it again (~3 min)
set -euo pipefail
cd "$(dirname "$0")/../.."
CARRY=.devcarry
LIMIT_MIB=60

rm -rf "$CARRY"
mkdir -p "$CARRY/dist" "$CARRY/native/node_modules/webgpu/dist/linux-x64"

[[ -f dist/cli.js && -f dist/worker.js ]] || npm run build >/dev/null
cp dist/cli.js dist/worker.js dist/tfjs-backend-wasm.wasm dist/tfjs-backend-wasm-simd.wasm "$CARRY/dist/"

# The bench: tfjs-core, tfjs-backend-webgpu and our engine inline; Dawn (`webgpu`) resolved at run
# time from BERTNB_NATIVE_MODULES, as the CLI does.
node -e "
require('esbuild').build({
  entryPoints: ['scripts/device/webgpu-bench.ts'], outfile: '$CARRY/webgpu-bench.js', bundle: true, platform: 'node',
  target: 'node20', format: 'cjs', minify: true, logLevel: 'warning',
  external: ['webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@anush008/tokenizers'],
  // bench/*.ts run their own bench() when require.main === module, which in a bundle is always true.
  define: { 'require.main': 'undefined' },
}).catch(() => process.exit(1));"

WEBGPU=node_modules/webgpu
[[ -f "$WEBGPU/dist/linux-x64/dawn.node" ]] || { echo "pack: $WEBGPU is not installed (npm ci installs it: a devDependency)" >&2; exit 1; }
cp "$WEBGPU/package.json" "$WEBGPU/index.js" "$CARRY/native/node_modules/webgpu/"
# xz: 21 MB → a third; the device script unpacks it in place.
xz -6 -T0 -c "$WEBGPU/dist/linux-x64/dawn.node" >"$CARRY/native/node_modules/webgpu/dist/linux-x64/dawn.node.xz"

NODE_BIN="$(command -v node)"
echo "pack: xz $NODE_BIN ($(node --version))"
if [[ -n "${BERTNB_PACK_NODE_XZ:-}" ]]; then cp "$BERTNB_PACK_NODE_XZ" "$CARRY/node.xz"; else xz -6 -T0 -c "$NODE_BIN" >"$CARRY/node.xz"; fi

total=$(du -sm "$CARRY" | cut -f1)
du -sh "$CARRY"/* "$CARRY"
if (( total > LIMIT_MIB )); then
  echo "pack: $CARRY is ${total} MiB, over ${LIMIT_MIB} MiB" >&2
  exit 1
fi
echo "pack: done (${total} MiB). On the device machine: bash scripts/device/webgpu-h200.sh"
