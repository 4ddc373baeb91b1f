#!/usr/bin/env python3
"""Counts the AWS API calls an open panel makes, per minute and per call, from moto's request
recorder.

    python3 bench/api_calls.py [--bin target/debug/baseline-panel] [--seconds 180]

Seeds moto with the lab's box, its schedule rule and log groups, opens the panel in tmux, and
records moto's requests in three phases: box stopped (run log shown), box running (run log
shown; moto has no live tail, so the run log is polled), box running with the console shown.
Prints a Markdown table. Needs moto_server, boto3 and tmux. The call counts do not depend on
the build profile.
"""
import argparse
import base64
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from benchlib import ROOT, USER_DATA, free_port, wait_port


def recorder(url, what, method="POST"):
    req = urllib.request.Request(f"{url}/moto-api/recorder/{what}", method=method)
    return urllib.request.urlopen(req).read().decode()


def action_of(rec):
    target = rec.get("headers", {}).get("X-Amz-Target")
    if target:
        return target.split(".")[-1]
    body = rec.get("body") or ""
    if rec.get("body_encoded"):
        body = base64.b64decode(body).decode(errors="replace")
    return urllib.parse.parse_qs(body).get("Action", ["?"])[0]


def calls(url):
    text = recorder(url, "download-recording", "GET")
    recs = [json.loads(line) for line in text.splitlines() if line.strip()]
    return collections.Counter(action_of(r) for r in recs if not r["url"].split("/", 3)[-1].startswith("moto-api"))


def seed(env):
    os.environ.update(env)
    import boto3

    ec2 = boto3.client("ec2", region_name="us-east-1")
    out = ec2.run_instances(
        ImageId="ami-12c6146b", InstanceType="r5.2xlarge", MinCount=1, MaxCount=1,
        UserData=open(USER_DATA).read(),
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "baseline model"}]}],
    )
    iid = out["Instances"][0]["InstanceId"]
    ec2.stop_instances(InstanceIds=[iid])
    events = boto3.client("events", region_name="us-east-1")
    events.put_rule(Name="MondayMorning9aEST", ScheduleExpression="cron(0 9 ? * MON *)", State="ENABLED")
    events.put_targets(Rule="MondayMorning9aEST", Targets=[{
        "Id": "1", "Arn": "arn:aws:lambda:us-east-1:123456789012:function:start-baseline-instance"}])
    logs = boto3.client("logs", region_name="us-east-1")
    logs.create_log_group(logGroupName="/baseline-model/run")
    logs.create_log_stream(logGroupName="/baseline-model/run", logStreamName=iid)
    logs.create_log_group(logGroupName="/aws/lambda/start-baseline-instance")
    return ec2, iid


def phase(url, seconds):
    recorder(url, "reset-recording")
    recorder(url, "start-recording")
    time.sleep(seconds)
    recorder(url, "stop-recording")
    return calls(url)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "debug", "baseline-panel"))
    ap.add_argument("--seconds", type=int, default=180, help="length of each recorded phase")
    a = ap.parse_args()
    for tool in ("moto_server", "tmux"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sock = f"api-calls-{os.getpid()}"
    try:
        wait_port(port)
        scratch = tempfile.mkdtemp()
        home = os.path.join(scratch, "home")
        env = dict(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
                   XDG_STATE_HOME=os.path.join(home, ".state"), AWS_ACCESS_KEY_ID="testing",
                   AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                   AWS_EC2_METADATA_DISABLED="true", AWS_ENDPOINT_URL=url)
        ec2, iid = seed(env)
        cmd = " ".join(["env"] + [f"{k}='{v}'" for k, v in env.items()] + [a.bin])
        subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", "new-session", "-d", "-x", "140", "-y", "40", cmd],
                       check=True)
        time.sleep(20)  # the first reads: instances, user data, rule, logs, the read-back of the past
        results = [("box stopped, run log shown", phase(url, a.seconds))]
        ec2.start_instances(InstanceIds=[iid])
        time.sleep(75)  # seen within a minute; the start's reads settle
        results.append(("box running, run log shown (polled)", phase(url, a.seconds)))
        subprocess.run(["tmux", "-L", sock, "send-keys", "3"], check=True)
        time.sleep(2)
        results.append(("box running, console shown", phase(url, a.seconds)))
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], stderr=subprocess.DEVNULL)
        moto.terminate()
    minutes = a.seconds / 60
    names = sorted({n for _, c in results for n in c})
    print(f"| phase ({a.seconds} s each) | calls/min | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for label, c in results:
        per = [f"{c.get(n, 0) / minutes:.1f}" for n in names]
        print(f"| {label} | {sum(c.values()) / minutes:.1f} | " + " | ".join(per) + " |")


if __name__ == "__main__":
    main()
