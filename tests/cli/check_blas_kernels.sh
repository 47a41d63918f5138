#!/bin/bash
# dnafill runs OpenBLAS's kernels for what the CPU has (core::choose_blas_kernels): on a CPU with
# AVX-512 or AVX2 that OpenBLAS does not know, it had picked its SSE3 (Prescott) ones, 2.5x slower.
# Usage: check_blas_kernels.sh DNAFILL MODEL
set -u
dnafill=$1 model=$2
info=$(env -u OPENBLAS_CORETYPE "$dnafill" info --model "$model") || { echo "FAIL: dnafill info exited $?"; exit 1; }
line=$(grep "BLAS:" <<< "$info")
echo "$line"
if [ -z "$line" ]; then
  # No BLAS line is right only where OpenBLAS is not loaded (a LibTorch with MKL, say).
  ldd "$dnafill" | grep -q libopenblas && { echo "FAIL: dnafill loads OpenBLAS, but info names no BLAS"; exit 1; }
  echo "ok: OpenBLAS is not the BLAS loaded: nothing to choose"; exit 0
fi
flags=$(grep -m1 '^flags' /proc/cpuinfo)
case " $flags " in
  *" avx512f "*" avx512vl "*) want="SkylakeX|Cooperlake|SapphireRapids" ;;
  *" avx2 "*) want="Haswell|Zen|Steamroller|Excavator|SkylakeX|Cooperlake|SapphireRapids" ;;
  *) echo "ok: no AVX2 here"; exit 0 ;;
esac
grep -Eq "\(($want) kernels\)" <<< "$line" || { echo "FAIL: kernels below what the CPU runs ($want)"; exit 1; }
# The user's choice stands.
forced=$(OPENBLAS_CORETYPE=Prescott "$dnafill" info --model "$model" | grep "BLAS:")
grep -q "(Prescott kernels)" <<< "$forced" || { echo "FAIL: OPENBLAS_CORETYPE=Prescott not kept: $forced"; exit 1; }
echo "ok: kernels for this CPU; OPENBLAS_CORETYPE kept"
