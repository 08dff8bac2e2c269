#!/usr/bin/env bash
# Installs what the end-to-end tests need and the repo cannot carry: a MinIO binary (built once
# from its Go module into a cache outside the repo) and Debian packages (chromium, redis-server,
# Python with Flask, boto3 and pytest). Stops with one line saying what to do when it cannot.
set -euo pipefail

MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c" # github.com/minio/minio at 7aac2a2c (2026-02-12)
CACHE="${UPKIT_CACHE:-$HOME/.cache/upkit}"
MINIO_DIR="$CACHE/minio-$MINIO_VERSION"

if [ ! -x "$MINIO_DIR/minio" ]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "upkit: MinIO is not built and Go is missing: install Go >= 1.24, then run npm test again." >&2
    exit 1
  fi
  echo "upkit: building MinIO $MINIO_VERSION into $MINIO_DIR (once; about 7 minutes on 2 cores)..."
  mkdir -p "$MINIO_DIR"
  GOBIN="$MINIO_DIR" GOFLAGS=-mod=mod go install "github.com/minio/minio@$MINIO_VERSION"
fi

# Debian packages: chromium (browser tests), redis-server (shared limits across instances) and
# Debian's Python with Flask, boto3 and pytest (the Python backend in examples/flask-backend).
missing=()
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then missing+=(chromium); fi
if [ ! -x /usr/bin/redis-server ]; then missing+=(redis-server); fi
if ! /usr/bin/python3 -c 'import flask, boto3, pytest' >/dev/null 2>&1; then
  missing+=(python3 python3-flask python3-boto3 python3-pytest)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "upkit: installing Debian packages for the tests: ${missing[*]}..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "upkit: missing Debian packages: run 'sudo apt-get install -y ${missing[*]}' (or set CHROMIUM_PATH for chromium), then npm test again." >&2
    exit 1
  fi
fi

# The consumer apps of the package tests (tests/consumers/fixtures: Next.js, Jest) have their own
# lockfiles, installed here once and again whenever a lockfile changes (a hash of it is kept in
# node_modules). The tests put the packed upkit into each one's node_modules.
for app in tests/consumers/fixtures/*/; do
  [ -f "$app/package-lock.json" ] || continue
  stamp="$app/node_modules/.upkit-lock-sha256"
  sum="$(sha256sum "$app/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    echo "upkit: installing the consumer app $app (npm ci, once)..."
    npm ci --prefix "$app" --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null
    echo "$sum" >"$stamp"
  fi
done
