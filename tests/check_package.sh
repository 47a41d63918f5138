#!/usr/bin/env bash
# Builds the .deb with CPack from a finished build and checks it: its control data (name, version,
# dependencies), its contents (both programs, the model, the desktop entry, metainfo, icon, man
# pages), that the desktop entry and metainfo validate, and that the programs run from the unpacked
# package (dpkg -x into a temporary root): dnafill finds the shipped model beside itself.
# Usage: check_package.sh BUILD_DIR OUT_DIR
set -euo pipefail
build=$1 out=$2
rm -rf "$out"
mkdir -p "$out"
fail() { echo "FAIL: $*"; exit 1; }

if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out" > "$out/cpack.log" 2>&1; then
  cat "$out/cpack.log"
  fail "cpack -G DEB"
fi
debs=("$out"/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one .deb in $out, got: ${debs[*]}"
deb=${debs[0]}
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"

dpkg-deb -I "$deb" > "$out/info.txt"
grep -q '^ Package: dnafill$' "$out/info.txt" || fail "control: Package"
grep -q '^ Architecture: amd64$\|^ Architecture: arm64$' "$out/info.txt" || fail "control: Architecture"
depends=$(sed -n 's/^ Depends: //p' "$out/info.txt")
echo "depends: $depends"
for lib in libtorch libhts libsqlite3 libopenblas0-pthread libqt6widgets6 libqt6svg6; do
  grep -q "$lib" <<< "$depends" || fail "Depends lacks $lib"
done

dpkg-deb -c "$deb" > "$out/contents.txt"
for f in ./usr/bin/dnafill ./usr/bin/dnafill-studio \
         ./usr/share/dnafill/models/small.safetensors ./usr/share/dnafill/models/small.md \
         ./usr/share/applications/org.dnafill.Studio.desktop \
         ./usr/share/metainfo/org.dnafill.Studio.metainfo.xml \
         ./usr/share/icons/hicolor/scalable/apps/org.dnafill.Studio.svg \
         ./usr/share/man/man1/dnafill.1.gz ./usr/share/man/man1/dnafill-studio.1.gz; do
  grep -q " $f\$" "$out/contents.txt" || fail "the package lacks $f"
done
# Nothing of the build tree or the tests comes along.
if grep -E 'test_|/bench|\.a$|/include/' "$out/contents.txt"; then fail "the package holds build or test files"; fi

root="$out/root"
dpkg -x "$deb" "$root"
command -v desktop-file-validate > /dev/null && desktop-file-validate "$root/usr/share/applications/org.dnafill.Studio.desktop"
command -v appstreamcli > /dev/null && appstreamcli validate --no-net "$root/usr/share/metainfo/org.dnafill.Studio.metainfo.xml" > /dev/null
zcat "$root/usr/share/man/man1/dnafill.1.gz" | grep -q '^\.TH DNAFILL 1' || fail "man page dnafill.1"
cmp -s "$root/usr/share/dnafill/models/small.safetensors" "$(dirname "$0")/../models/small.safetensors" || fail "the model differs"

"$root/usr/bin/dnafill" --help | grep -q 'infill' || fail "dnafill --help"
# The shipped model is found beside the installed binary (bin/../share/dnafill/models).
info=$(env -u DNAFILL_MODEL "$root/usr/bin/dnafill" info)
grep -Eq "^model: $root/usr/(bin/\.\./)?share/dnafill/models/small\.safetensors \(the default model; from installed: \.\./share/dnafill/models beside the binary\)$" <<< "$info" || { echo "$info"; fail "dnafill info does not use the packaged model"; }
QT_QPA_PLATFORM=offscreen "$root/usr/bin/dnafill-studio" --version | grep -q '^dnafill-studio 0\.' || fail "dnafill-studio --version"
echo "ok: $(basename "$deb") holds both programs, the model, the desktop entry, metainfo, icon and man pages; both run"
