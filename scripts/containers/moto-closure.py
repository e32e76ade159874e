"""The installed files moto's server needs to serve DynamoDB, SQS and SNS, and nothing else.

Run with the Python that has moto installed (the suite's ORDERS_IT_PYTHON, default python3):
  python3 moto-closure.py list          one `name==version` line per distribution, sorted
  python3 moto-closure.py copy DEST     copies those distributions' files into DEST (a site-packages)

The closure follows the installed distributions' own requirements (extras honoured), starting from
ROOTS. `moto[server]` would drag in cfn-lint and with it sympy and networkx (hundreds of MB) for
services this project does not use; the server itself needs only flask and flask-cors besides
moto's core requirements, and DynamoDB needs its own extra.
"""

import shutil
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

try:
    from packaging.requirements import Requirement
except ImportError:  # pip vendors it when the top-level package is absent
    from pip._vendor.packaging.requirements import Requirement

ROOTS = ["moto[dynamodb,sqs,sns]", "flask", "flask-cors"]


def closure(roots):
    found = {}
    pending = [Requirement(root) for root in roots]
    while pending:
        requirement = pending.pop()
        key = requirement.name.lower().replace("_", "-")
        try:
            dist = distribution(requirement.name)
        except PackageNotFoundError:
            if requirement.marker is None:
                sys.exit(f"moto-closure: {requirement.name} is required but not installed")
            continue
        first_time = key not in found
        dist, extras = found.setdefault(key, (dist, set()))
        new_extras = set(requirement.extras) - extras
        if not first_time and not new_extras:
            continue
        extras.update(new_extras)
        # The first time: what the distribution always needs; every time: what a new extra adds.
        environments = [{"extra": extra} for extra in new_extras] + ([{"extra": ""}] if first_time else [])
        for text in dist.requires or []:
            needed = Requirement(text)
            if needed.marker is None:
                if first_time:
                    pending.append(needed)
            elif any(needed.marker.evaluate(environment) for environment in environments):
                pending.append(needed)
    return sorted(found.values(), key=lambda entry: entry[0].metadata["Name"].lower())


def copy(dists, destination):
    destination.mkdir(parents=True, exist_ok=True)
    for dist, _ in dists:
        for file in dist.files or []:
            if file.parts and file.parts[0] == "..":
                continue  # console scripts in bin/: the image runs `python3 -m moto.server`
            source = Path(dist.locate_file(file))
            if not source.is_file():
                continue
            target = destination / file
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)  # keeps mtimes, so the copied .pyc files stay valid


def main(argv):
    dists = closure(ROOTS)
    if argv[1:2] == ["list"]:
        for dist, _ in dists:
            print(f"{dist.metadata['Name']}=={dist.version}")
    elif argv[1:2] == ["copy"] and len(argv) == 3:
        copy(dists, Path(argv[2]))
    else:
        sys.exit("usage: moto-closure.py list | copy DEST")


if __name__ == "__main__":
    main(sys.argv)
