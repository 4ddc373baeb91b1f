#!/usr/bin/env python3
"""Measures baseline-panel against a local moto server, side by side with the AWS CLI.

    python3 bench/bench.py [--runs 15] [--idle-seconds 60] [--bin target/release/baseline-panel]

Prints a Markdown table (medians and ratios) for docs/performance.md.
Needs: moto_server, the AWS CLI, tmux; a release build (`cargo build --release`).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import ROOT, USER_DATA, env_for, free_port, memory_kb, ticks, wait_port


def timed(cmd, env, runs, warmup=2):
    samples = []
    for i in range(warmup + runs):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        if i >= warmup:
            samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), samples


def first_frame_ms(binary, env, args, runs):
    log = os.path.join(env["XDG_STATE_HOME"], "baseline-panel", "baseline-panel.log")
    values = []
    for i in range(runs):
        sock = f"bench-{os.getpid()}-{i}"
        before = open(log).read().count("first frame") if os.path.exists(log) else 0
        cmd = " ".join(["env"] + [f"{k}='{v}'" for k, v in env.items() if k.startswith(("AWS_", "XDG_", "HOME"))] + [binary] + args)
        subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "35", cmd], check=True)
        end = time.time() + 15
        while time.time() < end:
            if os.path.exists(log) and open(log).read().count("first frame") > before:
                break
            time.sleep(0.05)
        subprocess.run(["tmux", "-L", sock, "kill-server"], stderr=subprocess.DEVNULL)
        found = re.findall(r"first frame ms=([0-9.]+)", open(log).read())
        values.append(float(found[-1]))
    return statistics.median(values)


def idle_cpu(binary, env, args, seconds):
    sock = f"bench-idle-{os.getpid()}"
    cmd = " ".join(["env"] + [f"{k}='{v}'" for k, v in env.items() if k.startswith(("AWS_", "XDG_", "HOME"))] + [binary] + args)
    subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "35", cmd], check=True)
    time.sleep(3)
    pid = subprocess.run(["pgrep", "-n", "-f", binary], capture_output=True, text=True).stdout.strip()
    hz = os.sysconf("SC_CLK_TCK")

    t0, c0 = time.time(), ticks(pid)
    time.sleep(seconds)
    t1, c1 = time.time(), ticks(pid)
    rss = memory_kb(pid)
    subprocess.run(["tmux", "-L", sock, "kill-server"], stderr=subprocess.DEVNULL)
    return (c1 - c0) / hz / (t1 - t0) * 100, rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--idle-seconds", type=int, default=60)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "baseline-panel"))
    a = ap.parse_args()
    for tool in ("moto_server", "aws", "tmux"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        scratch = tempfile.mkdtemp()
        env = env_for(url, scratch)
        subprocess.run(["aws", "ec2", "run-instances", "--image-id", "ami-12c6146b", "--instance-type", "r5.2xlarge",
                        "--user-data", f"file://{USER_DATA}", "--tag-specifications",
                        "ResourceType=instance,Tags=[{Key=Name,Value=baseline model}]"],
                       env=env, stdout=subprocess.DEVNULL, check=True)
        # What `status` reads besides the instance: both log groups and the rule.
        for args in (["logs", "create-log-group", "--log-group-name", "/baseline-model/run"],
                     ["logs", "create-log-group", "--log-group-name", "/aws/lambda/start-baseline-instance"],
                     ["events", "put-rule", "--name", "MondayMorning9aEST", "--schedule-expression", "cron(0 9 ? * MON *)"]):
            subprocess.run(["aws", *args], env=env, stdout=subprocess.DEVNULL, check=True)
        ours, _ = timed([a.bin, "status"], env, a.runs)
        ours_json, _ = timed([a.bin, "status", "--json"], env, a.runs)
        cli, _ = timed(["aws", "ec2", "describe-instances", "--filters", "Name=tag:Name,Values=baseline model"], env, a.runs)
        frame_aws = first_frame_ms(a.bin, env, [], max(5, a.runs // 3))
        frame_demo = first_frame_ms(a.bin, env, ["--demo"], max(5, a.runs // 3))
        cpu, rss = idle_cpu(a.bin, env, [], a.idle_seconds)
    finally:
        moto.terminate()
    rows = [
        ("`baseline-panel status` (instances, then status checks + user data + both log groups + rule at once)", f"{ours:.0f} ms", f"{ours / cli:.3f} of the AWS CLI's time"),
        ("`baseline-panel status --json`", f"{ours_json:.0f} ms", ""),
        ("`aws ec2 describe-instances --filters Name=tag:Name,...`", f"{cli:.0f} ms", "1.0×"),
        ("time to first frame, panel on moto", f"{frame_aws:.0f} ms", ""),
        ("time to first frame, `--demo`", f"{frame_demo:.0f} ms", ""),
        (f"idle panel CPU over {a.idle_seconds} s (box running)", f"{cpu:.2f} %",
         f"RSS {rss['VmRSS'] / 1024:.1f} MiB = RssAnon {rss['RssAnon'] / 1024:.1f} + RssFile {rss['RssFile'] / 1024:.1f}"),
    ]
    table = ["| measure | median | note |", "|---|---|---|"] + [f"| {r[0]} | {r[1]} | {r[2]} |" for r in rows]
    text = "\n".join(table)
    print(text)


if __name__ == "__main__":
    main()
