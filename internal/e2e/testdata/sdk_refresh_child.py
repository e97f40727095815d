"""One long-lived AWS SDK process, the child of `awsfed exec` in
TestCLIExecRefreshesExpiredKeys.

It uses botocore as the Debian awscli package vendors it, so its keys come
from the container-credentials endpoint awsfed gives it, as any SDK's would.
It calls GetCallerIdentity, sleeps past its keys' expiry and calls again,
then prints one JSON line per call with the access key id that signed it
(never the secret or the token).

usage: sdk_refresh_child.py STS_ENDPOINT PAUSE_SECONDS
"""
import json
import re
import sys
import time

import awscli  # noqa: F401  (makes the vendored botocore importable as botocore)
import botocore.session


def main():
    endpoint, pause = sys.argv[1], float(sys.argv[2])
    session = botocore.session.get_session()
    client = session.create_client("sts", region_name="us-east-1", endpoint_url=endpoint)

    signed_with = []

    def record(request, **_):
        auth = request.headers.get("Authorization", b"")
        if isinstance(auth, bytes):
            auth = auth.decode()
        m = re.search(r"Credential=([A-Z0-9]+)/", auth)
        signed_with.append(m.group(1) if m else "")

    client.meta.events.register("before-send.sts.GetCallerIdentity", record)
    for call in (1, 2):
        if call == 2:
            time.sleep(pause)
        ident = client.get_caller_identity()
        print(json.dumps({"call": call, "arn": ident["Arn"], "access_key_id": signed_with[-1]}), flush=True)


if __name__ == "__main__":
    main()
