#!/usr/bin/env bash
# check-arch.sh BINARY GOARCH: exit 0 when BINARY is a 64-bit little-endian
# ELF executable for GOARCH (amd64 or arm64), 1 with what it is otherwise.
# It reads the ELF header itself (e_ident and e_machine), so it needs no
# `file` and runs on any runner. docker-publish.yml runs it on each
# platform's binary before pushing the image.
set -euo pipefail

usage() { echo "usage: check-arch.sh BINARY amd64|arm64" >&2; exit 2; }
[ $# -eq 2 ] || usage
bin=$1 arch=$2
case "$arch" in
    amd64) want=62 ;;  # EM_X86_64
    arm64) want=183 ;; # EM_AARCH64
    *) echo "check-arch.sh: unknown GOARCH $arch (want amd64 or arm64)" >&2; exit 2 ;;
esac
[ -f "$bin" ] || { echo "check-arch.sh: $bin: no such file" >&2; exit 1; }

# Bytes 0-3 "\x7fELF", 4 class (2: 64 bit), 5 data (1: little endian),
# 18-19 e_machine (little endian).
read -r -a b < <(od -An -tu1 -N20 -v "$bin" | tr '\n' ' '; echo)
if [ "${#b[@]}" -lt 20 ] || [ "${b[0]}" -ne 127 ] || [ "${b[1]}" -ne 69 ] || [ "${b[2]}" -ne 76 ] || [ "${b[3]}" -ne 70 ]; then
    echo "check-arch.sh: $bin is not an ELF file" >&2
    exit 1
fi
if [ "${b[4]}" -ne 2 ] || [ "${b[5]}" -ne 1 ]; then
    echo "check-arch.sh: $bin is not a 64-bit little-endian ELF file" >&2
    exit 1
fi
machine=$((b[18] + 256 * b[19]))
if [ "$machine" -ne "$want" ]; then
    case "$machine" in
        62) got=amd64 ;;
        183) got=arm64 ;;
        *) got="e_machine $machine" ;;
    esac
    echo "check-arch.sh: $bin is built for $got, want $arch" >&2
    exit 1
fi
echo "ok: $bin is linux/$arch"
