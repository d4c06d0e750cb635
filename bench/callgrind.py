"""bench/callgrind.py: instructions per request of molotov binaries, counted
by callgrind (steady under load, unlike wall-clock figures).

    /usr/bin/python3 bench/callgrind.py [NAME=]BINARY...

Starts the test harness's nginx on a free loopback port and runs each binary
twice as `molotov -q -w 50 -r 130 s.lua` (6,500 `s:get(url)` requests) under
`valgrind --tool=callgrind`, printing the instructions and their share per
request. Not a test: nothing here asserts a speed."""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))
os.environ.setdefault("MOLOTOV_SOURCE_DIR", os.path.join(HERE, ".."))
import harness  # noqa: E402

REQUESTS = 50 * 130
SCENARIO = ('local T = os.getenv("TARGET")\n'
            'molotov.scenario("s", 1, function(s) s:get(T .. "/") end)\n')


def count(binary, script, url):
    with tempfile.NamedTemporaryFile(suffix=".callgrind") as out:
        r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out.name}",
                            binary, "-q", "-w", "50", "-r", "130", script],
                           env=dict(os.environ, TARGET=url), capture_output=True, text=True)
    m = re.search(r"Collected : (\d+)", r.stderr)
    if r.returncode or not m:
        sys.exit(f"{binary}: exit {r.returncode}\n{r.stderr[-2000:]}")
    return int(m.group(1))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    d = tempfile.mkdtemp(prefix="molotov-cg-")
    script = os.path.join(d, "s.lua")
    with open(script, "w") as f:
        f.write(SCENARIO)
    with harness.Nginx() as web:
        for arg in sys.argv[1:]:
            name, _, binary = arg.rpartition("=")
            runs = [count(binary, script, web.url) for _ in range(2)]
            mean = sum(runs) / len(runs)
            print(f"{name or binary}: {' / '.join(f'{n / 1e6:.1f}M' for n in runs)} "
                  f"instructions, {mean / REQUESTS / 1e3:.1f}k per request", flush=True)


if __name__ == "__main__":
    main()
