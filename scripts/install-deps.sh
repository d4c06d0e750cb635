#!/usr/bin/env bash
# install-deps.sh: installs the Debian packages molotov needs, in two lists.
#
#   scripts/install-deps.sh build   what building molotov needs (demo.sh, install.sh)
#   scripts/install-deps.sh test    that and what the tests need (test.sh, fuzz.sh)
#   scripts/install-deps.sh         the same as `test` (bench/ calls it so)
#   scripts/install-deps.sh --list build|test   prints the packages, one a line
#
# Packages already installed are skipped; when every one is (and the data file
# below is there), nothing runs (no apt-get call). Uses sudo when not root.
#
# Where a new package goes:
#   BUILD_PKGS  a library molotov or molotov-serve links (its -dev package) or a
#               tool the build runs. The Containerfile's build stage installs the
#               same list (tests/e2e/test_install.py checks they agree), and its
#               runtime stage the runtime library.
#   TEST_PKGS   a server, interpreter or tool only tests use (servers of the e2e
#               tests, python3 modules, valgrind, clang for the fuzzers, a browser,
#               podman and debootstrap to build the image, envsubst and kubectl
#               for deploy/kubernetes).
#   npm packages for the tests: the browser tests' playwright-core, pinned in
#               tests/browser/package.json (and its lock file), installed by
#               `test` into tests/browser/node_modules (git ignores it; never
#               globally); it drives Debian's chromium, never a download.
#   data files  Kubernetes 1.13's OpenAPI schema (a real swagger.json, in
#               kube-openapi's test data) for kubectl's schema validation in
#               tests/e2e/test_deploy.py: `test` takes it out of Debian's
#               golang-k8s-kube-openapi-dev (apt-get download, not installed:
#               that would bring Go and 70 packages) into tests/data/kube-openapi/
#               (git ignores it).
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake pkg-config
  libcurl4-openssl-dev libuv1-dev liblua5.4-dev libcjson-dev libssl-dev libwslay-dev
  libhttp-parser-dev libpsl-dev zlib1g-dev
)

TEST_PKGS=(
  libcmocka-dev nodejs lua5.4
  nginx-light python3-httpbin gunicorn curl python3-yaml python3-websockets python3-pyte
  iproute2 git make openssl binutils valgrind clang chromium
  podman debootstrap gettext-base
)
# kubectl for the manifests' checks: Debian's kubernetes-client, unless a
# kubectl is already there (another package's /usr/bin/kubectl, such as the
# Google Cloud SDK's, would conflict with it)
if ! command -v kubectl >/dev/null; then TEST_PKGS+=(kubernetes-client); fi
BROWSER_DIR="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
KUBE_SCHEMA="$(cd "$(dirname "$0")/.." && pwd)/tests/data/kube-openapi/swagger.json"

usage() {
  echo "usage: install-deps.sh [--list] [build|test]" >&2
  exit 2
}

list=0
if [ "${1:-}" = "--list" ]; then
  list=1
  shift
fi
stage="${1:-test}"
case "$stage" in
build) PKGS=("${BUILD_PKGS[@]}") ;;
test) PKGS=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}") ;;
*) usage ;;
esac
[ $# -le 1 ] || usage

if [ "$list" = 1 ]; then
  printf '%s\n' "${PKGS[@]}"
  exit 0
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "$stage" = test ] && ! command -v npm >/dev/null; then
  missing+=(npm) # nodesource's nodejs brings its own npm
fi

# the browser tests' Playwright, driving Debian's chromium (never its own download)
install_playwright() {
  [ "$stage" = test ] || return 0
  local want have
  want=$(sed -n 's/.*"playwright-core": *"\([^"]*\)".*/\1/p' "$BROWSER_DIR/package.json")
  have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
    "$BROWSER_DIR/node_modules/playwright-core/package.json" 2>/dev/null || true)
  [ -n "$want" ] && [ "$have" = "$want" ] && return 0
  echo "install-deps: installing tests/browser/package.json's playwright-core" >&2
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$BROWSER_DIR" --no-audit \
    --no-fund --silent
}

# the swagger.json of golang-k8s-kube-openapi-dev's .deb, without installing it
install_kube_schema() {
  [ "$stage" = test ] && [ ! -s "$KUBE_SCHEMA" ] || return 0
  local tmp member=./usr/share/gocode/src/k8s.io/kube-openapi/pkg/schemaconv/testdata/swagger.json
  echo "install-deps: taking Kubernetes 1.13's swagger.json out of golang-k8s-kube-openapi-dev" >&2
  tmp=$(mktemp -d)
  (cd "$tmp" && { apt-get download -qq golang-k8s-kube-openapi-dev 2>/dev/null ||
    { $SUDO apt-get update -qq && apt-get download -qq golang-k8s-kube-openapi-dev 2>/dev/null; }; })
  mkdir -p "$(dirname "$KUBE_SCHEMA")"
  dpkg-deb --fsys-tarfile "$tmp"/golang-k8s-kube-openapi-dev_*.deb | tar -xO "$member" \
    >"$KUBE_SCHEMA.part"
  mv "$KUBE_SCHEMA.part" "$KUBE_SCHEMA"
  rm -rf "$tmp"
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if [ ${#missing[@]} -eq 0 ]; then
  install_playwright
  install_kube_schema
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_playwright
install_kube_schema
