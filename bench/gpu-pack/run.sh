#!/bin/sh
# Runs BERT Studio's training benchmark on this machine's GPU through WebGPU (Dawn in Node), then
# PyTorch fp32 eager on CUDA for the same configs, and prints both with their ratio.
# Needs only a GPU driver with Vulkan and a python3 with torch + transformers; Node, Dawn and
# (when the system has none) the Vulkan loader come from this folder.
#
#   ./run.sh [--configs tiny:32,base:16,...] [--steps N] [--torch-device cuda|cpu] [--no-torch]
#            [--icd FILE.json] [--bundled-loader] [--python PY] [--json FILE]
#
#   --icd FILE.json    use this Vulkan driver manifest (e.g. Chromium's SwiftShader, to try the pack without a GPU)
#   --bundled-loader   use the packed Debian libvulkan1 even when the system has a Vulkan loader
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${BENCH_PACK_WORK:-${TMPDIR:-/tmp}/bert-studio-gpu-pack}
ICD=""
BUNDLED_LOADER=0
PYTHON=python3
while [ $# -gt 0 ]; do
  case "$1" in
    --configs) export BENCH_CONFIGS="$2"; shift 2 ;;
    --steps) export BENCH_STEPS="$2"; shift 2 ;;
    --torch-device) export BENCH_TORCH_DEVICE="$2"; shift 2 ;;
    --no-torch) export BENCH_TORCH=0; shift ;;
    --icd) ICD="$2"; shift 2 ;;
    --bundled-loader) BUNDLED_LOADER=1; shift ;;
    --python) PYTHON="$2"; shift 2 ;;
    --json) export BENCH_JSON="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
export BENCH_TORCH_DEVICE="${BENCH_TORCH_DEVICE:-cuda}"
export BENCH_PYTHON="$PYTHON"
mkdir -p "$WORK"

# xz, else Python's lzma: one of them is on any machine that has PyTorch.
unxz_to() {
  if [ -s "$2" ]; then return 0; fi
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" > "$2.part"
  else "$PYTHON" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2.part"
  fi
  mv "$2.part" "$2"
}

# A .deb is an ar archive holding data.tar.*: dpkg-deb, else ar + tar, else Python (ar read by hand, tarfile).
undeb() {
  mkdir -p "$2"
  if command -v dpkg-deb >/dev/null 2>&1; then dpkg-deb -x "$1" "$2"; return; fi
  if command -v ar >/dev/null 2>&1 && command -v xz >/dev/null 2>&1; then
    tmp=$(mktemp -d)
    (cd "$tmp" && ar x "$1" && tar -xf data.tar.* -C "$2")
    rm -rf "$tmp"
    return
  fi
  "$PYTHON" - "$1" "$2" <<'PY'
import io, sys, tarfile
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"!<arch>\n", f"{sys.argv[1]} is not a .deb"
pos = 8
while pos + 60 <= len(data):
    name = data[pos:pos + 16].decode().strip().rstrip("/")
    size = int(data[pos + 48:pos + 58].decode().strip())
    if name.startswith("data.tar"):
        with tarfile.open(fileobj=io.BytesIO(data[pos + 60:pos + 60 + size])) as t:
            t.extractall(sys.argv[2], **({"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}))
    pos += 60 + size + (size & 1)
PY
}

LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig)
has_lib() { "$LDCONFIG" -p 2>/dev/null | grep -q "$1"; }

unxz_to "$HERE/node.xz" "$WORK/node"
chmod +x "$WORK/node"
unxz_to "$HERE/dawn.node.xz" "$WORK/dawn.node"
export DAWN_NODE="$WORK/dawn.node"

LIBS=""
if [ "$BUNDLED_LOADER" = 1 ] || ! has_lib libvulkan.so.1; then
  [ -f "$HERE"/debs/libvulkan1_*.deb ] || { echo "run.sh: no Vulkan loader on this system and none packed (debs/libvulkan1_*.deb)" >&2; exit 1; }
  undeb "$(ls "$HERE"/debs/libvulkan1_*.deb)" "$WORK/sysroot"
  LIBS="$WORK/sysroot/usr/lib/x86_64-linux-gnu"
  echo "Vulkan loader: packed $(basename "$(ls "$HERE"/debs/libvulkan1_*.deb)")"
else
  echo "Vulkan loader: system ($("$LDCONFIG" -p | grep -m1 libvulkan.so.1 | sed 's/.*=> //'))"
fi
# NVIDIA's Vulkan driver (libGLX_nvidia) needs glvnd's libGLdispatch.
if ! has_lib libGLdispatch.so.0 && [ -f "$HERE"/debs/libglvnd0_*.deb ]; then
  undeb "$(ls "$HERE"/debs/libglvnd0_*.deb)" "$WORK/sysroot"
  LIBS="$WORK/sysroot/usr/lib/x86_64-linux-gnu"
  echo "libGLdispatch: packed libglvnd0"
fi
[ -n "$LIBS" ] && export LD_LIBRARY_PATH="$LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

if [ -n "$ICD" ]; then
  export VK_DRIVER_FILES="$ICD" VK_ICD_FILENAMES="$ICD"
  echo "Vulkan driver: $ICD (--icd)"
else
  for d in /etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d; do
    ls "$d"/*.json >/dev/null 2>&1 && FOUND_ICD=1 && break
  done
  if [ -z "${FOUND_ICD:-}" ]; then
    for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/icd.d/nvidia_icd.json; do
      if [ -f "$f" ]; then export VK_DRIVER_FILES="$f" VK_ICD_FILENAMES="$f"; echo "Vulkan driver: $f"; break; fi
    done
  fi
fi
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true

cd "$HERE"
exec "$WORK/node" "$HERE/bench.mjs"
