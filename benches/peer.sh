#!/usr/bin/env bash
# gen next to a peer: openapi-mcp-generator 4.0.1 (a Node tool that reads an
# OpenAPI spec and writes an MCP server project) on the same files, in the
# same run, alternating, medians of N runs (default 5). Prints wall time and
# peak memory of each and the peer/gen ratios.
#
#   bash benches/peer.sh [RUNS]
#
# Installs the peer from the npm registry into target/peer (once); writes
# the bench files (Stripe as JSON, the 20,000-operation synthetic spec) with
# `cargo bench --bench load -- --prepare`. Needs node/npm and /usr/bin/time.
# Not part of `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
peer_dir=target/peer
peer=$peer_dir/node_modules/.bin/openapi-mcp-generator
if [ ! -x "$peer" ]; then
  mkdir -p "$peer_dir"
  npm install --no-audit --no-fund --prefix "$peer_dir" openapi-mcp-generator@4.0.1 >&2
fi
cargo build --quiet --release --bin gen
gen=target/release/gen
mapfile -t specs < <(cargo bench --quiet --bench load -- --prepare 2>/dev/null)

# "seconds kib" of one run of a command (its output discarded).
measure() {
  local out
  out=$( { /usr/bin/time -f '%e %M' "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1)
  echo "$out"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%-30s %9s %9s %7s %10s %10s %7s\n' spec "gen s" "peer s" "peer/gen" "gen MiB" "peer MiB" "ratio"
for line in "${specs[@]}"; do
  label=${line%%$'\t'*}
  file=${line#*$'\t'}
  gen_t=(); peer_t=(); gen_m=(); peer_m=()
  for ((i = 0; i < runs; i++)); do
    read -r t m < <(measure "$gen" ops --spec "$file")
    gen_t+=("$t"); gen_m+=("$m")
    out=$(mktemp -d)
    read -r t m < <(measure "$peer" --input "$file" --output "$out/project" --base-url https://api.example.com)
    rm -rf "$out"
    peer_t+=("$t"); peer_m+=("$m")
  done
  gt=$(printf '%s\n' "${gen_t[@]}" | median); pt=$(printf '%s\n' "${peer_t[@]}" | median)
  gm=$(printf '%s\n' "${gen_m[@]}" | median); pm=$(printf '%s\n' "${peer_m[@]}" | median)
  printf '%-30s %9.2f %9.2f %7.1fx %10.0f %10.0f %6.1fx\n' "$label" "$gt" "$pt" \
    "$(echo "$pt / ($gt + 0.0001)" | bc -l)" "$(echo "$gm / 1024" | bc -l)" \
    "$(echo "$pm / 1024" | bc -l)" "$(echo "$pm / ($gm + 1)" | bc -l)"
done
