#!/usr/bin/env bash
# Installs and starts what codepref's tests need on a Debian machine: the Docker engine
# and the toolchains of the 8 languages. Idempotent: it does nothing when all is present.
# Without root or apt it only reports what is missing; the tests that need it then skip.
set -euo pipefail

APT_PACKAGES=(docker.io gcc g++ default-jdk-headless nodejs golang-go ruby mono-mcs
              golang-github-stretchr-testify-dev valgrind git libboost-dev libssl-dev)
REQUIRED_COMMANDS=(docker dockerd gcc g++ javac java node go ruby mcs mono valgrind git)

missing=()
for cmd in "${REQUIRED_COMMANDS[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
# HumanEval-X C++ tests include boost/any.hpp and OpenSSL's md5.h.
[[ -e /usr/include/boost/any.hpp && -e /usr/include/openssl/md5.h ]] || missing+=(boost/openssl)

if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "install-system: installing toolchains (missing: ${missing[*]})"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
    else
        echo "install-system: missing ${missing[*]}; run as root with apt, or install them" >&2
    fi
fi

# The engine: start dockerd (vfs storage works everywhere, overlay needs kernel support).
if command -v dockerd >/dev/null && ! docker info >/dev/null 2>&1; then
    if [[ $(id -u) -eq 0 ]]; then
        mkdir -p /var/log
        : >/var/log/codepref-dockerd.log
        # On a loaded machine dockerd can give up on its containerd ("timeout waiting for
        # containerd to start") and exit: start it again, up to three times.
        for attempt in 1 2 3; do
            echo "install-system: starting dockerd (attempt $attempt)"
            setsid nohup dockerd --storage-driver=vfs >>/var/log/codepref-dockerd.log 2>&1 </dev/null &
            dockerd_pid=$!
            for _ in $(seq 120); do
                docker info >/dev/null 2>&1 && break 2
                kill -0 "$dockerd_pid" 2>/dev/null || continue 2
                sleep 0.5
            done
            break  # alive but not answering after a minute: starting another would not help
        done
        docker info >/dev/null 2>&1 || {
            echo "install-system: dockerd did not start; see /var/log/codepref-dockerd.log" >&2
            tail -20 /var/log/codepref-dockerd.log >&2 || true
        }
    else
        echo "install-system: no Docker engine answers and not root; docker tests will skip" >&2
    fi
fi
