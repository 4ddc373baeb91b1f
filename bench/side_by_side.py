#!/usr/bin/env python3
"""The panel side by side with a peer terminal AWS panel, on the same moto server.

    python3 bench/side_by_side.py [--bin target/release/baseline-panel] [--peer PATH]
                                  [--runs 9] [--minute 60]

Each program runs in its own tmux session (120x35) with AWS_ENDPOINT_URL pointing at a small
counting proxy in front of moto, so every API call it makes is counted by action. Measured, for
each program:

- time to the instance on screen: from launch until the instance id appears in the pane (median);
- API calls per minute with the panel open, box stopped and box running (moto has no live tail,
  so the panel polls);
- a box started elsewhere (the AWS CLI, straight to moto): seconds until the pane says running;
- idle CPU over the minute and resident memory, RssAnon and RssFile from /proc separately;
- log lag: see bench/log_lag.sh (the peer has no log view).

The peer is any panel that lists EC2 instances and honours AWS_ENDPOINT_URL (the report names the
one used); without --peer, or when the path is absent, its column says "not run".
Prints a Markdown table on stdout. Needs moto_server, the AWS CLI and tmux, and release builds.
"""
import argparse
import http.client
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from benchlib import ROOT, USER_DATA, env_for, free_port, memory_kb, ticks, wait_port


NAME = "baseline model"


class Counter:
    """Every request the proxy passed on: (monotonic time, action)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.calls = []

    def add(self, action):
        with self.lock:
            self.calls.append((time.monotonic(), action))

    def between(self, t0, t1):
        with self.lock:
            return [a for (t, a) in self.calls if t0 <= t < t1]


def proxy(moto_port, counter):
    """A pass-through HTTP proxy in front of moto that names each call's action."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def forward(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            target = self.headers.get("X-Amz-Target")
            if target:
                action = target.rsplit(".", 1)[-1]
            else:
                form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
                action = (form.get("Action") or [self.command + " " + self.path.split("?")[0]])[0]
            counter.add(action)
            conn = http.client.HTTPConnection("127.0.0.1", moto_port, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "content-length")}
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            conn.close()

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = forward

    port = free_port()
    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            pass  # a program closed its connection (its pane was killed)

    server = Server(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, port


def aws(env, *args):
    out = subprocess.run(["aws", *args, "--output", "text"], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


class Pane:
    """One program in its own tmux server."""

    def __init__(self, cmd, env, tag):
        self.sock = f"sbs-{os.getpid()}-{tag}"
        line = " ".join(["env"] + [f"{k}='{v}'" for k, v in env.items()
                                   if k.startswith(("AWS_", "XDG_", "HOME", "PATH", "TERM"))] + cmd)
        self.started = time.monotonic()
        subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "35", line],
                       check=True)

    def text(self):
        return subprocess.run(["tmux", "-L", self.sock, "capture-pane", "-p"], capture_output=True, text=True).stdout

    def wait_for(self, needle, secs=120):
        end = time.monotonic() + secs
        while time.monotonic() < end:
            if needle in self.text():
                return time.monotonic()
            time.sleep(0.02)
        return None

    def pid(self, binary):
        """The program's process: the pane's process or one of its descendants."""
        out = subprocess.run(["tmux", "-L", self.sock, "list-panes", "-F", "#{pane_pid}"], capture_output=True, text=True)
        todo = [int(out.stdout.strip().splitlines()[0])]
        want = os.path.realpath(binary)
        while todo:
            pid = todo.pop()
            try:
                if os.path.realpath(f"/proc/{pid}/exe") == want:
                    return pid
            except OSError:
                pass
            kids = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
            todo.extend(int(k) for k in kids)
        sys.exit(f"no process of {binary} in the pane")

    def close(self):
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], stderr=subprocess.DEVNULL)


def per_minute(counter, t0, t1):
    calls = counter.between(t0, t1)
    scale = 60.0 / (t1 - t0)
    by = {}
    for a in calls:
        by[a] = by.get(a, 0) + 1
    detail = ", ".join(f"{k} {v * scale:.0f}" for k, v in sorted(by.items(), key=lambda kv: -kv[1]))
    return len(calls) * scale, detail


def window(r, phase, counter, pid, seconds):
    """Calls a minute (in all and by action), CPU and memory of `pid` over `seconds`, stored in
    `r` under `phase` ("stopped", "running")."""
    hz = os.sysconf("SC_CLK_TCK")
    t0, c0 = time.monotonic(), ticks(pid)
    time.sleep(seconds)
    t1, c1 = time.monotonic(), ticks(pid)
    r[f"{phase}_calls"], r[f"{phase}_detail"] = per_minute(counter, t0, t1)
    r[f"cpu_{phase}"] = (c1 - c0) / hz / (t1 - t0) * 100
    r[f"mem_{phase}"] = {k: v / 1024 for k, v in memory_kb(pid).items()}


def measure(name, cmd, env, moto_env, counter, instance, runs, minute):
    """All measures of one program. The box is stopped on entry."""
    r = {"name": name}
    firsts = []
    for i in range(runs):
        p = Pane(cmd, env, f"{name}-first-{i}")
        seen = p.wait_for(instance, 60)
        p.close()
        if seen is None:
            sys.exit(f"{name}: the instance never showed")
        firsts.append((seen - p.started) * 1000)
    r["first_ms"] = statistics.median(firsts)

    p = Pane(cmd, env, f"{name}-idle")
    p.wait_for(instance, 60)
    time.sleep(5)
    pid = p.pid(cmd[0])
    window(r, "stopped", counter, pid, minute)

    # Started elsewhere: straight to moto, as the Monday Lambda or the console would.
    aws(moto_env, "ec2", "start-instances", "--instance-ids", instance)
    t_start = time.monotonic()
    seen = p.wait_for("running", 180)
    r["seen_after_s"] = None if seen is None else seen - t_start
    time.sleep(5)
    window(r, "running", counter, pid, minute)
    p.close()
    aws(moto_env, "ec2", "stop-instances", "--instance-ids", instance)
    time.sleep(1)
    return r


def fmt(v, spec, unit=""):
    return "not run" if v is None else f"{v:{spec}}{unit}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "baseline-panel"))
    ap.add_argument("--peer", help="path of the peer panel's binary (skipped when absent)")
    ap.add_argument("--peer-name", default="peer")
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--minute", type=int, default=60, help="seconds per rate window")
    a = ap.parse_args()
    for tool in ("moto_server", "aws", "tmux"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed")
    if not os.access(a.bin, os.X_OK):
        sys.exit(f"no binary at {a.bin}: cargo build --release")
    moto_port = free_port()
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(moto_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(moto_port)
        counter = Counter()
        server, proxy_port = proxy(moto_port, counter)
        scratch = tempfile.mkdtemp()
        moto_env = env_for(f"http://127.0.0.1:{moto_port}", scratch)
        env = env_for(f"http://127.0.0.1:{proxy_port}", scratch)
        instance = aws(moto_env, "ec2", "run-instances", "--image-id", "ami-12c6146b", "--instance-type", "r5.2xlarge",
                       "--user-data", f"file://{USER_DATA}", "--tag-specifications",
                       f"ResourceType=instance,Tags=[{{Key=Name,Value={NAME}}}]",
                       "--query", "Instances[0].InstanceId")
        aws(moto_env, "ec2", "stop-instances", "--instance-ids", instance)
        aws(moto_env, "logs", "create-log-group", "--log-group-name", "/baseline-model/run")
        aws(moto_env, "logs", "create-log-group", "--log-group-name", "/aws/lambda/start-baseline-instance")
        aws(moto_env, "events", "put-rule", "--name", "MondayMorning9aEST", "--schedule-expression", "cron(0 9 ? * MON *)")
        results = [measure("baseline-panel", [a.bin], env, moto_env, counter, instance, a.runs, a.minute)]
        if a.peer and os.access(a.peer, os.X_OK):
            results.append(measure(a.peer_name, [a.peer], env, moto_env, counter, instance, a.runs, a.minute))
        else:
            print(f"peer skipped: {a.peer or 'no --peer given'}", file=sys.stderr)
        server.shutdown()
    finally:
        moto.terminate()

    cols = [r["name"] for r in results]
    rows = [
        ("time to the instance on screen (median)", [fmt(r["first_ms"], ".0f", " ms") for r in results]),
        ("API calls per minute, box stopped", [fmt(r["stopped_calls"], ".0f") for r in results]),
        ("API calls per minute, box running", [fmt(r["running_calls"], ".0f") for r in results]),
        ("a box started elsewhere shows after", [fmt(r["seen_after_s"], ".1f", " s") if r["seen_after_s"] is not None
                                                 else "not within 180 s" for r in results]),
        ("idle CPU, box stopped / running", [f"{r['cpu_stopped']:.2f} % / {r['cpu_running']:.2f} %" for r in results]),
        ("RSS, box running (RssAnon + RssFile)",
         [f"{r['mem_running']['VmRSS']:.1f} MiB ({r['mem_running']['RssAnon']:.1f} + {r['mem_running']['RssFile']:.1f})"
          for r in results]),
    ]
    print("| measure | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))
    for label, vals in rows:
        print(f"| {label} | " + " | ".join(vals) + " |")
    print()
    for r in results:
        print(f"- {r['name']}, calls per minute by action: stopped: {r['stopped_detail'] or 'none'}; "
              f"running: {r['running_detail'] or 'none'}")
    for r in results:
        size = os.path.getsize(a.bin if r["name"] == "baseline-panel" else a.peer) / 1e6
        print(f"- {r['name']} binary: {size:.1f} MB")


if __name__ == "__main__":
    main()
