#!/usr/bin/env python3
"""Helper for bench/log_lag.sh: seeds moto, puts probe events, stamps follower output, reports.

  put_events.py setup                      -> creates the box and its log stream, prints its id
  put_events.py put --stream ID --n N --interval S   -> puts N probes, prints "seq<TAB>returned"
  put_events.py stamp [--dedup]            -> stdin lines with a probe -> "seq<TAB>arrived"
  put_events.py report PUTS NAME=FILE ...  -> median / p90 / max lag per follower

Endpoint and credentials come from the environment (AWS_ENDPOINT_URL etc.).
"""
import argparse
import random
import re
import statistics
import sys
import time

GROUP = "/baseline-model/run"
PROBE = re.compile(r"lag-probe (\d+)")


def client(service):
    import boto3

    return boto3.client(service, region_name="us-east-1")


def setup(_args):
    ec2 = client("ec2")
    out = ec2.run_instances(
        ImageId="ami-12c6146b",
        InstanceType="r5.2xlarge",
        MinCount=1,
        MaxCount=1,
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "baseline model"}]}
        ],
    )
    iid = out["Instances"][0]["InstanceId"]
    logs = client("logs")
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName=iid)
    print(iid)


def put(args):
    logs = client("logs")
    rng = random.Random(7)
    for seq in range(args.n):
        ts = int(time.time() * 1000)
        logs.put_log_events(
            logGroupName=GROUP,
            logStreamName=args.stream,
            logEvents=[{"timestamp": ts, "message": f"lag-probe {seq:04d}"}],
        )
        print(f"{seq}\t{time.time():.6f}", flush=True)
        # Jitter, so that puts land at every phase of a follower's poll cycle.
        time.sleep(args.interval * rng.uniform(0.5, 1.5))


def stamp(args):
    seen = set()
    for line in iter(sys.stdin.readline, ""):
        now = time.time()
        if args.dedup:
            event_id = line.split("\t", 1)[0]
            if event_id in seen:
                continue
            seen.add(event_id)
        m = PROBE.search(line)
        if m:
            print(f"{int(m.group(1))}\t{now:.6f}", flush=True)


def read(path):
    with open(path) as f:
        rows = [l.split("\t") for l in f if l.strip()]
    out = {}
    for seq, t in rows:
        out.setdefault(int(seq), float(t))  # the first arrival counts
    return out


def report(args):
    puts = read(args.puts)
    print(f"{'follower':<34} {'seen':>6} {'dups':>5} {'median':>8} {'p90':>8} {'max':>8}")
    for spec in args.followers:
        name, path = spec.split("=", 1)
        with open(path) as f:
            seqs = [int(l.split("\t")[0]) for l in f if l.strip()]
        got = read(path)
        lags = sorted(got[s] - puts[s] for s in puts if s in got)
        dups = len(seqs) - len(set(seqs))
        if not lags:
            print(f"{name:<34} {0:>6} {dups:>5}   (no probe arrived)")
            continue
        p90 = lags[min(len(lags) - 1, int(round(0.9 * (len(lags) - 1))))]
        print(
            f"{name:<34} {len(lags):>4}/{len(puts):<1} {dups:>5} "
            f"{statistics.median(lags):>7.3f}s {p90:>7.3f}s {lags[-1]:>7.3f}s"
        )


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("setup").set_defaults(func=setup)
    pp = sub.add_parser("put")
    pp.add_argument("--stream", required=True)
    pp.add_argument("--n", type=int, default=40)
    pp.add_argument("--interval", type=float, default=0.7)
    pp.set_defaults(func=put)
    ps = sub.add_parser("stamp")
    ps.add_argument("--dedup", action="store_true", help="lines are eventId<TAB>message")
    ps.set_defaults(func=stamp)
    pr = sub.add_parser("report")
    pr.add_argument("puts")
    pr.add_argument("followers", nargs="+")
    pr.set_defaults(func=report)
    args = p.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
