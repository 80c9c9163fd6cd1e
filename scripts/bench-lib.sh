# Shared by the scripts/bench-* scripts (sourced, not run).
#
# release PRODUCT: builds PRODUCT as it ships (release, with the Swift runtime and Foundation linked in, as
# Deploy/container builds it) and prints the binary's path. A dynamically linked build spends about 5 ms more
# of every start resolving symbols against the Swift shared libraries.
release() {
  swift build -c release --static-swift-stdlib --product "$1" >/dev/null
  echo "$(swift build -c release --static-swift-stdlib --show-bin-path)/$1"
}
#
# best RUNS FILE COMMAND...: the best wall-clock time, in seconds, of RUNS runs of COMMAND, reading FILE into
# the page cache before each run so that every tool is measured on a cached capture (this machine's memory
# reclaim evicts idle page cache between runs, which otherwise made timings vary by half).
best() {
  local runs=$1 file=$2 b=""
  shift 2
  for ((i = 0; i < runs; i++)); do
    cat "$file" >/dev/null
    local s e t
    s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc -l)
    if [ -z "$b" ] || (( $(echo "$t < $b" | bc -l) )); then b=$t; fi
  done
  echo "$b"
}
