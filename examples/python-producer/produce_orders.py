#!/usr/bin/env python3
"""Publishes orders to OrderTopic, each validated first against the published order contract.

An example for a producer team in another language: it reads the JSON Schema the order-processing
repository publishes (contract/order/v1.json, also printed by `orders contract`), refuses any order
the schema refuses, and publishes the rest to the SNS topic with the message attributes the
AsyncAPI document (contract/asyncapi.yaml) describes.

    python3 produce_orders.py orders.jsonl            # one order (JSON) per line; - for stdin
    python3 produce_orders.py --topic OrderTopic-dev orders.jsonl

The endpoint, region and credentials are boto3's usual ones: AWS_ENDPOINT_URL points it at an
emulator (moto, LocalStack). Exit code: 0 when every order was published, 1 when any was refused
or failed, 2 when SNS cannot be reached or the topic does not exist. A refused order is reported by line and JSON Pointer, never echoed:
orders can carry personal data.
"""

import argparse
import json
import os
import sys
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from jsonschema import Draft202012Validator, FormatChecker

DEFAULT_SCHEMA = Path(__file__).resolve().parents[2] / "contract" / "order" / "v1.json"


def load_validator(schema_path):
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    # Format assertion on: without it "date-time" is only an annotation, and 30 February passes.
    checker = FormatChecker()
    if "date-time" not in checker.checkers:
        print("produce_orders: jsonschema cannot check date-time: pip install rfc3339-validator", file=sys.stderr)
        raise SystemExit(2)
    return Draft202012Validator(schema, format_checker=checker)


def find_topic_arn(sns, name):
    for page in sns.get_paginator("list_topics").paginate():
        for topic in page["Topics"]:
            if topic["TopicArn"].rsplit(":", 1)[-1] == name:
                return topic["TopicArn"]
    print(f"produce_orders: no SNS topic named {name!r} (run `orders provision` first)", file=sys.stderr)
    raise SystemExit(2)


def violations(validator, order):
    """Each problem as (JSON Pointer, keyword): where it is and which rule, without the value."""
    found = []
    for error in validator.iter_errors(order):
        pointer = "".join(f"/{str(part).replace('~', '~0').replace('/', '~1')}" for part in error.absolute_path)
        found.append((pointer or "/", error.validator))
    return sorted(found)


def read_lines(source):
    stream = sys.stdin if source == "-" else open(source, encoding="utf-8")
    with stream:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                yield number, line.rstrip("\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="JSON Lines file of orders (- for standard input)")
    parser.add_argument("--topic", default="OrderTopic", help="SNS topic name (default OrderTopic)")
    parser.add_argument("--schema", default=str(DEFAULT_SCHEMA), help="the order JSON Schema")
    args = parser.parse_args(argv)

    validator = load_validator(args.schema)
    # AWS_REGION is what the AWS SDKs for JavaScript and Lambda set; boto3 reads AWS_DEFAULT_REGION.
    sns = boto3.client("sns", region_name=os.environ.get("AWS_REGION") or None)
    try:
        topic_arn = find_topic_arn(sns, args.topic)
    except (BotoCoreError, ClientError) as error:
        print(f"produce_orders: cannot reach SNS: {error}", file=sys.stderr)
        return 2
    published = refused = failed = 0
    for number, line in read_lines(args.file):
        try:
            order = json.loads(line)
        except json.JSONDecodeError:
            print(f"line {number}: not JSON", file=sys.stderr)
            refused += 1
            continue
        problems = violations(validator, order)
        if problems:
            described = "; ".join(f"{pointer} [{keyword}]" for pointer, keyword in problems)
            print(f"line {number}: refused by the contract: {described}", file=sys.stderr)
            refused += 1
            continue
        try:
            # The line as given (not re-serialised), with the attributes subscribers filter on.
            sns.publish(
                TopicArn=topic_arn,
                Message=line,
                MessageAttributes={
                    "orderId": {"DataType": "String", "StringValue": order["orderId"]},
                    "status": {"DataType": "String", "StringValue": order["status"]},
                },
            )
            published += 1
        except (BotoCoreError, ClientError) as error:  # report and go on, like `orders publish`
            print(f"line {number}: not published: {type(error).__name__}", file=sys.stderr)
            failed += 1
    print(json.dumps({"published": published, "refused": refused, "failed": failed}))
    return 0 if refused == 0 and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
