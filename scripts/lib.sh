# Shared helpers for the scripts in this folder. Sourced, not run.

# Installs the Debian packages named in $@ that are missing (apt-get update first, only when something is missing).
ensure_packages() {
    local missing=()
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "Installing Debian packages: ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# The libraries the relay builds against (DESIGN.md §2).
BUILD_PACKAGES=(pkg-config libevent-dev libcurl4-openssl-dev libpq-dev libhiredis-dev libssl-dev libsqlite3-dev)

# Makes sure the Swift toolchain is on PATH (it lives in /opt/swift on the build machines).
ensure_swift() {
    if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
        export PATH="/opt/swift/usr/bin:$PATH"
    fi
    command -v swift >/dev/null 2>&1 || { echo "swift is not installed (Swift 6.3 toolchain needed)" >&2; exit 1; }
}

# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
