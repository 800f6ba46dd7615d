"""Cold load of the dashboard in headless Chromium: bytes on the wire, requests, time to the first playable kick, and
click -> sound. A fresh browser context each run (empty cache); numbers from the DevTools protocol's network events.

    python benchmarks/page_load.py http://127.0.0.1:8000/ [--runs 3] [--json out.json]
    python benchmarks/page_load.py --server-cost [--runs 5]     # CPU and memory of one `GET /` in this process


Transferred bytes are what crossed the network (headers + bodies as sent, compressed when the server compressed);
decoded bytes are the bodies after decompression; websocket bytes are the payloads the page's live session received
before the first kick was playable.
"""
import argparse, json, statistics, time

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
FIRST_KICK_JS = "window.kickPlayer && window.kickPlayer.decodes >= 1"   # the player decoded the first kick
RANDOM_BUTTON = "Random kick"


def cold_load(browser, url:str, first_kick_js:str=FIRST_KICK_JS, random_button:str|None=RANDOM_BUTTON,
              viewport=(1440, 900), timeout_ms:int=60_000)->dict:
    "One cold load of `url` in a new context: network totals, time to the first kick, and a click -> sound latency."
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    requests, transferred, decoded, ws_bytes, per_url = {}, {}, {}, [0], {}
    cdp.on("Network.requestWillBeSent", lambda e: requests.setdefault(e["requestId"], e["request"]["url"]))
    cdp.on("Network.dataReceived", lambda e: decoded.__setitem__(e["requestId"], decoded.get(e["requestId"], 0) + e["dataLength"]))
    cdp.on("Network.loadingFinished", lambda e: transferred.__setitem__(e["requestId"], e["encodedDataLength"]))
    cdp.on("Network.webSocketFrameReceived", lambda e: ws_bytes.__setitem__(0, ws_bytes[0] + len(e["response"]["payloadData"])))
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(first_kick_js, timeout=timeout_ms)
    first_kick_wall_ms = (time.perf_counter() - start) * 1000
    first_kick_ms = page.evaluate("window.kickPlayer.decodedAt")   # performance.now(): from the navigation's start
    ws_at_first_kick = ws_bytes[0]
    page.wait_for_load_state("networkidle")
    for rid, url_ in requests.items(): per_url[url_] = per_url.get(url_, 0) + transferred.get(rid, 0)
    result = dict(url=url, requests=len(requests), transferred_bytes=sum(transferred.values()),
                  decoded_bytes=sum(decoded.values()), websocket_bytes_to_first_kick=ws_at_first_kick,
                  first_kick_ms=round(first_kick_ms, 1), first_kick_wall_ms=round(first_kick_wall_ms, 1),
                  largest=sorted(per_url.items(), key=lambda kv: -kv[1])[:8])
    if random_button:
        latencies = []
        page.evaluate("""() => { for (const type of ["pointerdown", "keydown"])
                                 document.addEventListener(type, () => { window.userActedAt = performance.now(); }, true); }""")
        for _ in range(5):
            before = page.evaluate("window.kickPlayer.decodes")
            page.get_by_role("button", name=random_button).click()
            page.wait_for_function(f"window.kickPlayer.decodes > {before}", timeout=15_000)
            latencies.append(page.evaluate("window.kickPlayer.decodedAt - window.userActedAt"))
            page.wait_for_timeout(200)
        result["click_to_sound_ms"] = round(statistics.median(latencies), 1)
    context.close()
    return result


def server_cost(n:int=5)->dict:
    """CPU time, wall time and resident memory that one `GET /` costs the server: the app of `make serve` in this
    process (the shipped model, local storage in a temporary folder), measured over `n` requests after a warm one."""
    import gc, os, tempfile
    os.environ.setdefault("KICK_ALLOWED_HOSTS", "testserver")
    os.environ.update(KICK_STORAGE="local", KICK_STORAGE_DIR=tempfile.mkdtemp(prefix="page_cost_"))
    import torch
    torch.set_num_threads(1)
    from fastapi.testclient import TestClient
    from kick_app.api.app import create_app
    rss_mb = lambda: int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    app = create_app()
    with TestClient(app) as client:
        client.get("/")
        gc.collect(); mem, cpu, wall = rss_mb(), time.process_time(), time.perf_counter()
        for _ in range(n): assert client.get("/").status_code == 200
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        gc.collect()
        return dict(requests=n, cpu_ms=round(1000 * cpu / n), wall_ms=round(1000 * wall / n), rss_mb=round((rss_mb() - mem) / n, 1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default="http://127.0.0.1:8000/")
    parser.add_argument("--server-cost", action="store_true", help="measure one GET / in this process instead")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--json", help="write the runs here")
    args = parser.parse_args()
    if args.server_cost: return print(json.dumps(server_cost(args.runs)))
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        runs = [cold_load(browser, args.url, viewport=(args.width, 900)) for _ in range(args.runs)]
        browser.close()
    for r in runs: print(json.dumps({k: v for k, v in r.items() if k != "largest"}))
    print("largest (bytes transferred):", *(f"  {b:>9}  {u}" for u, b in runs[-1]["largest"]), sep="\n")
    if args.json:
        with open(args.json, "w") as f: json.dump(runs, f, indent=1)


if __name__ == "__main__":
    main()
