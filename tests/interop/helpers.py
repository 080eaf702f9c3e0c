"""Shared checks: our feed schema and BMLT's OpenAPI schemas, with $refs resolved."""

import json
from pathlib import Path

from jsonschema import Draft202012Validator

from interop.validation import feed_schema

DATA = Path(__file__).resolve().parent / "data"


def assert_valid_feed(feed):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(feed_schema()).iter_errors(feed)]
    assert errors == []


def _resolve(node, document):
    if isinstance(node, dict):
        if "$ref" in node:
            target = document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return _resolve(target, document)
        return {key: _resolve(value, document) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(value, document) for value in node]
    return node


def openapi_response_schema(path, status="200"):
    document = json.loads((DATA / "bmlt-server_openapi-semantic.json").read_text(encoding="utf-8"))
    operation = document["paths"][path]["get"]
    schema = operation["responses"][status]
    schema = _resolve(schema, document)
    return schema["content"]["application/json"]["schema"]


def assert_matches_openapi(payload, path, status="200"):
    schema = openapi_response_schema(path, status)
    if "oneOf" in schema:
        # GetSearchResults' branches overlap (every property is optional), so an array of meetings also
        # "is" an array of formats and oneOf can never pass: check the branch this payload claims to be.
        branches = schema["oneOf"]
        schema = branches[2] if isinstance(payload, dict) else branches[0]
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(schema).iter_errors(payload)]
    assert errors == []


def feed_json(response):
    return json.loads(b"".join(response.streaming_content))
