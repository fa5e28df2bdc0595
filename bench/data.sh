# Sourced by the benchmarks: builds the release binary and loads DEALS deals, ACTIVITIES
# activities, ACCOUNTS accounts and REPS reps into an embedded SQLite data dir under bench/out
# (once; reused while it is there — delete it to reload). `serve_data` serves it on PORT.
DEALS=${DEALS:-1000000}
ACTIVITIES=${ACTIVITIES:-10000000}
ACCOUNTS=${ACCOUNTS:-$((DEALS / 10))}
REPS=${REPS:-200}
PORT=${PORT:-18181}
out=bench/out
mkdir -p "$out"

cargo build --release -p baton
bin=target/release/baton
data=$out/data-$DEALS-$ACTIVITIES
if [ ! -f "$data/loaded" ]; then
    rm -rf "$data"
    echo "loading $DEALS deals and $ACTIVITIES activities into $data …"
    /usr/bin/time -f "load: %e s wall, %M KB peak RSS" \
        "$bin" --data-dir "$data" seed --reps "$REPS" --accounts "$ACCOUNTS" --deals "$DEALS" --activities "$ACTIVITIES"
    touch "$data/loaded"
fi
du -sh "$data"

# Serves the data set in the background ($server), stopped when the script exits.
serve_data() {
    "$bin" --data-dir "$data" --log "${BENCH_LOG:-warn}" serve --listen "127.0.0.1:$PORT" &
    server=$!
    trap 'kill $server 2>/dev/null || true' EXIT
    for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return; sleep 0.1; done
    echo "the server did not start" >&2
    exit 1
}
