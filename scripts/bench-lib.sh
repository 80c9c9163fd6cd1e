# Shared by the scripts/bench-* scripts (sourced, not run).
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
