#!/usr/bin/env bash
# Syntax check of deploy/nginx/byok-relay.conf: wraps the site in a minimal nginx.conf, replaces the Let's Encrypt
# certificate paths by a throw-away self-signed pair, and runs `nginx -t -c`. Needs nginx and openssl.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=relay.example.com \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
sed -e "s#/etc/letsencrypt/live/relay.example.com/fullchain.pem#$tmp/cert.pem#" \
    -e "s#/etc/letsencrypt/live/relay.example.com/privkey.pem#$tmp/key.pem#" \
    "$here/byok-relay.conf" > "$tmp/site.conf"
cat > "$tmp/nginx.conf" <<CONF
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events {}
http { include $tmp/site.conf; }
CONF
nginx -t -p "$tmp" -c "$tmp/nginx.conf"
