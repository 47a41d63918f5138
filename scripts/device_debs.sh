#!/usr/bin/env bash
# Fetches, here, the Debian packages that scripts/device_build.sh unpacks on a GPU machine without a
# package registry: htslib, SQLite, zlib, CLI11, nlohmann-json, Catch2 and the shared libraries they
# load (not libc or the compiler's runtime, which that machine has; not SASL's plugins and their Berkeley
# DB, which libsasl2 only dlopens). They land in .device/debs, which
# git ignores; name .device in the device tool's `carry`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/.device/debs
mkdir -p "$dest"
packages="libhts-dev libhts3 libhtscodecs2 libdeflate0 libcurl3-gnutls libbrotli1 libgnutls30 libgssapi-krb5-2
  libkrb5-3 libk5crypto3 libkrb5support0 libcom-err2 libkeyutils1 libidn2-0 libunistring2 libldap-2.5-0 libsasl2-2
  libnettle8 libhogweed6 libgmp10 libp11-kit0 libffi8 libtasn1-6 libnghttp2-14 libpsl5
  librtmp1 libssh2-1 libzstd1 libssl3 libbz2-1.0 liblzma5 zlib1g zlib1g-dev libsqlite3-0 libsqlite3-dev
  libcli11-dev nlohmann-json3-dev catch2"
cd "$dest"
apt-get download $packages
du -sh "$dest"
