#!/usr/bin/env bash
# Syntax check of docker/nginx.conf without the compose network: the replica host names (relay-1..3) do not resolve
# outside compose, so they are replaced by 127.0.0.1 in a temporary copy, then `nginx -t -c` runs on it.
# Needs nginx (apt-get install nginx-light). Usage: docker/check-nginx.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
sed -E 's/\brelay-[0-9]+:3000\b/127.0.0.1:3000/; s#^pid .*#pid '"$tmp"'/nginx.pid;#' "$here/nginx.conf" > "$tmp/nginx.conf"
nginx -t -p "$tmp" -c "$tmp/nginx.conf"
