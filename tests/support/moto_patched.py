"""moto_server with the two EC2 behaviours moto lacks that the run-timeline tests need.

moto's models are plain Python, so this wrapper patches them in place and then starts the
ordinary moto server (same flags as `moto_server`: `-H 127.0.0.1 -p PORT`). Nothing else changes.

1. LaunchTime: EC2 sets it at every start; moto keeps the first one, so every restart of a stopped
   instance would look like the same boot. Here `start()` on a stopped instance sets it to now.
2. Client.InstanceInitiatedShutdown: EC2 records it when the instance shuts itself down (the run
   script's `shutdown`); moto only ever records Client.UserInitiatedShutdown. Here stopping an
   instance tagged `baseline-panel-test:shutdown=instance` records the instance-initiated reason,
   as if the box had shut itself down; the tag is removed once used.
"""

import sys

from moto.core.utils import utcnow
from moto.ec2.models.instances import Instance, StateReason
from moto.server import main

SHUTDOWN_TAG = "baseline-panel-test:shutdown"

_start = Instance.start
_stop = Instance.stop


def start(self):
    previous = _start(self)
    if previous.name != "running":
        self.launch_time = utcnow()
    return previous


def stop(self):
    previous = _stop(self)
    tags = {t["key"]: t["value"] for t in self.get_tags()}
    if tags.get(SHUTDOWN_TAG) == "instance":
        self.state_reason = StateReason(
            "Client.InstanceInitiatedShutdown: Instance initiated shutdown",
            "Client.InstanceInitiatedShutdown",
        )
        self.ec2_backend.delete_tags([self.id], {SHUTDOWN_TAG: "instance"})
    return previous


Instance.start = start
Instance.stop = stop

if __name__ == "__main__":
    main(sys.argv[1:])
