#!/usr/bin/env bash
# gen next to a peer: openapi-mcp-generator 4.0.1 (a Node tool that reads an
# OpenAPI spec and writes an MCP server project) on the same files, in the
# same run, alternating, medians of N runs (default 5). Prints wall time,
# CPU time (user + system, steadier than wall time when other work shares
# the machine) and peak memory of each, and the peer/gen ratios.
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

# "wall-seconds cpu-seconds kib" of one run of a command (its output
# discarded). time's
# report goes to a file of its own (`-o`): redirecting the command's
# standard error would take the report with it.
measure() {
  local report
  report=$(mktemp)
  /usr/bin/time -o "$report" -f '%e %U %S %M' "$@" >/dev/null 2>/dev/null || true
  tail -1 "$report" | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}'
  rm -f "$report"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%-30s %9s %9s %8s %9s %9s %8s %8s %9s %7s\n' spec "gen s" "peer s" "peer/gen" \
  "gen cpu" "peer cpu" "peer/gen" "gen MiB" "peer MiB" "ratio"
for line in "${specs[@]}"; do
  label=${line%%$'\t'*}
  file=${line#*$'\t'}
  gen_t=(); peer_t=(); gen_c=(); peer_c=(); gen_m=(); peer_m=()
  for ((i = 0; i < runs; i++)); do
    read -r t c m < <(measure "$gen" ops --spec "$file")
    gen_t+=("$t"); gen_c+=("$c"); gen_m+=("$m")
    out=$(mktemp -d)
    read -r t c m < <(measure "$peer" --input "$file" --output "$out/project" --base-url https://api.example.com)
    rm -rf "$out"
    peer_t+=("$t"); peer_c+=("$c"); peer_m+=("$m")
  done
  gt=$(printf '%s\n' "${gen_t[@]}" | median); pt=$(printf '%s\n' "${peer_t[@]}" | median)
  gc=$(printf '%s\n' "${gen_c[@]}" | median); pc=$(printf '%s\n' "${peer_c[@]}" | median)
  gm=$(printf '%s\n' "${gen_m[@]}" | median); pm=$(printf '%s\n' "${peer_m[@]}" | median)
  printf '%-30s %9.2f %9.2f %7.1fx %9.2f %9.2f %7.1fx %8.0f %9.0f %6.1fx\n' "$label" "$gt" "$pt" \
    "$(echo "$pt / ($gt + 0.0001)" | bc -l)" "$gc" "$pc" "$(echo "$pc / ($gc + 0.0001)" | bc -l)" \
    "$(echo "$gm / 1024" | bc -l)" \
    "$(echo "$pm / 1024" | bc -l)" "$(echo "$pm / ($gm + 1)" | bc -l)"
done
