#!/usr/bin/env bash
# Re-vendors the front-end files Baton embeds, from the npm registry, at pinned versions.
# Pages and builds never fetch anything: the files below are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=crates/baton-server/assets/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() { # package version → unpacked into $work/$package
    (cd "$work" && npm pack --silent "$1@$2" >/dev/null && mkdir -p "$1" && tar xzf "$1"-*.tgz -C "$1" --strip-components=1)
}

fetch swagger-ui-dist 5.35.0
mkdir -p "$dest/swagger-ui"
cp "$work/swagger-ui-dist/"{swagger-ui-bundle.js,swagger-ui-bundle.js.LICENSE.txt,swagger-ui.css,LICENSE,NOTICE} "$dest/swagger-ui/"
fetch htmx.org 4.0.1
mkdir -p "$dest/htmx"
cp "$work/htmx.org/dist/htmx.min.js" "$work/htmx.org/LICENSE" "$dest/htmx/"

fetch uplot 1.6.32
mkdir -p "$dest/uplot"
cp "$work/uplot/dist/uPlot.iife.min.js" "$work/uplot/dist/uPlot.min.css" "$work/uplot/LICENSE" "$dest/uplot/"

echo "vendored into $dest"
