"""Web benchmark: search page with map, API search and service page at N generated services.

1. Latency in one process (Flask test client, warm): median and p95 per kind of request.
2. Throughput: the app under gunicorn on 127.0.0.1, loaded from a second process (wrk when it is
   installed, else a Python load generator): requests/s and errors for the API search.

The catalogue comes from bench/import_bench.py's deterministic generator and goes through the
product's own commands (init, import, index rebuild). Building 10k takes a few minutes; pass
--workdir to keep it for the next run.

    .venv/bin/python bench/web_bench.py                      # 10k services
    .venv/bin/python bench/web_bench.py --workdir /tmp/webbench --duration 20
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_bench import KINDS, generate  # noqa: E402

from directory.gazetteer import default_gazetteer  # noqa: E402

SEED = 11
WORDS = ["budget", "schulden", "woning", "taalcafé", "vervoer", "solliciteren", "eenzaam", "itsme"]
TARGETS = {"page_p95_ms": 150.0, "api_rps": 200.0}


def settings(workdir: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite'}",
        "INDEX_DIR": str(workdir / "index"),
    }


def prepare(workdir: Path, count: int) -> list[dict]:
    """Generate the services and load them with the product's commands (skipped if present)."""
    from web import create_app

    services = generate(count)
    marker = workdir / "loaded.json"
    if marker.exists() and json.loads(marker.read_text()).get("count") == count:
        return services
    for stale in ("bench.sqlite", "index"):
        path = workdir / stale
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    source = workdir / "services.json"
    source.write_text(json.dumps(services, ensure_ascii=False))
    app = create_app(settings(workdir))
    runner = app.test_cli_runner()
    for args in (["init"], ["import", str(source)], ["index", "rebuild"]):
        start = time.perf_counter()
        result = runner.invoke(args=args)
        if result.exit_code != 0:
            raise SystemExit(f"{' '.join(args)} failed:\n{result.output}")
        print(f"  {' '.join(args[:1])}: {time.perf_counter() - start:.0f} s", flush=True)
    marker.write_text(json.dumps({"count": count}))
    return services


def request_mix(services: list[dict], size: int) -> dict[str, list[str]]:
    """Deterministic URLs: mostly 'this domain in this town', some words, some words + town."""
    rng = random.Random(SEED)
    towns = sorted({s["service_areas"][0]["name"] for s in services})
    domains = sorted({domain for _kind, domain, _text in KINDS})
    searches = []
    for i in range(size):
        town, domain, word = rng.choice(towns), rng.choice(domains), rng.choice(WORDS)
        if i % 4 == 3:
            searches.append(f"q={quote(word)}&municipality={quote(town)}")
        elif i % 8 == 5:
            searches.append(f"q={quote(word)}")
        else:
            searches.append(f"municipality={quote(town)}&domain={domain}")
    ids = [services[rng.randrange(len(services))]["id"] for _ in range(size)]
    return {
        "search page with map": [f"/zoeken?{q}" for q in searches],
        "API search": [f"/api/v1/search?{q}" for q in searches],
        "service page": [f"/dienst/{sid}" for sid in ids],
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def latency(workdir: Path, mix: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """Warm, single-process timings with Flask's test client (no network)."""
    from web import create_app

    client = create_app(settings(workdir)).test_client()
    figures = {}
    for kind, urls in mix.items():
        for url in urls[:20]:
            client.get(url)  # warm the index caches and the templates
        times, failures = [], 0
        for url in urls:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            failures += response.status_code != 200
        figures[kind] = {
            "requests": len(urls),
            "median_ms": statistics.median(times),
            "p95_ms": percentile(times, 0.95),
            "failures": failures,
        }
    return figures


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(workdir: Path, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.update({f"SOCIALEKAART_{k}": v for k, v in settings(workdir).items()})
    env["PYTHONPATH"] = str(ROOT)
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning",
        "web:create_app()",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v1/municipalities?q=gent")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise SystemExit("gunicorn did not start")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def warm(port: int, urls: list[str], workers: int) -> None:
    """Every worker opens its index and builds its caches before the clock starts."""
    for url in urls[: 10 * workers]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", url)
        connection.getresponse().read()
        connection.close()


WRK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def load_with_wrk(port: int, urls: list[str], seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % ", ".join(json.dumps(u) for u in urls))
    try:
        output = subprocess.run(
            [
                "wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency",
                "-s", script.name, f"http://127.0.0.1:{port}",
            ],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(map(int, socket_errors.groups())) if socket_errors else 0
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    return {
        "tool": "wrk",
        "requests": total,
        "rps": rps,
        "errors": errors,
        "p99": p99.group(0) if p99 else "?",
    }


def _python_worker(port: int, urls: list[str], stop_at: float, out: multiprocessing.Queue) -> None:
    done = errors = 0

    def run(offset: int) -> None:
        nonlocal done, errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = offset
        while time.monotonic() < stop_at:
            try:
                connection.request("GET", urls[i % len(urls)])
                response = connection.getresponse()
                response.read()
                errors += response.status != 200
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            except OSError:
                errors += 1
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            done += 1
            i += 7

    threads = [threading.Thread(target=run, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put((done, errors))


def load_with_python(port: int, urls: list[str], seconds: int) -> dict:
    """Fallback load generator: one separate process, eight keep-alive connections."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    start = time.monotonic()
    process = multiprocessing.Process(
        target=_python_worker, args=(port, urls, start + seconds, queue)
    )
    process.start()
    done, errors = queue.get()
    process.join()
    elapsed = time.monotonic() - start
    return {"tool": "python", "requests": done, "rps": done / elapsed, "errors": errors, "p99": "?"}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10_000, help="services to generate")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per kind")
    parser.add_argument("--workdir", type=Path, help="keep the generated instance here")
    parser.add_argument("--duration", type=int, default=15, help="seconds of concurrent load")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers")
    args = parser.parse_args()

    temporary = None
    if args.workdir is None:
        temporary = tempfile.TemporaryDirectory(prefix="web-bench-")
        args.workdir = Path(temporary.name)
    args.workdir.mkdir(parents=True, exist_ok=True)
    default_gazetteer()
    print(f"web benchmark: {args.count} generated services in {args.workdir}", flush=True)
    services = prepare(args.workdir, args.count)
    mix = request_mix(services, args.requests)

    print(f"\nlatency, one process, warm ({args.requests} requests per kind, ms):")
    print(f"  {'kind':<22} {'median':>8} {'p95':>8} {'failures':>9}")
    figures = latency(args.workdir, mix)
    for kind, row in figures.items():
        print(f"  {kind:<22} {row['median_ms']:8.1f} {row['p95_ms']:8.1f} {row['failures']:9d}")

    port = free_port()
    server = start_gunicorn(args.workdir, port, args.workers)
    try:
        warm(port, mix["API search"], args.workers)
        if shutil.which("wrk"):
            load = load_with_wrk(port, mix["API search"], args.duration, args.connections)
        else:
            load = load_with_python(port, mix["API search"], args.duration)
    finally:
        stop(server)
    print(
        f"\nAPI search under load: gunicorn {args.workers} workers on 127.0.0.1, "
        f"{load['tool']} from a second process, {args.connections} connections, {args.duration} s:"
    )
    print(
        f"  {load['requests']} requests, {load['rps']:.0f} requests/s, "
        f"{load['errors']} errors, latency {load['p99']}"
    )

    page_p95 = figures["search page with map"]["p95_ms"]
    print("\ntargets:")
    print(
        f"  search page with map p95 <= {TARGETS['page_p95_ms']:.0f} ms: {page_p95:.1f} ms "
        f"{'OK' if page_p95 <= TARGETS['page_p95_ms'] else 'MISSED'}"
    )
    ok = load["rps"] >= TARGETS["api_rps"] and load["errors"] == 0
    print(
        f"  API >= {TARGETS['api_rps']:.0f} requests/s, 0 errors: {load['rps']:.0f}/s, "
        f"{load['errors']} errors {'OK' if ok else 'MISSED'}"
    )
    print(f"  (machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f})")
    if temporary is not None:
        temporary.cleanup()


if __name__ == "__main__":
    main()
