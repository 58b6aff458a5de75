#!/usr/bin/env python3
"""Writes test/sandbox/spec-query-examples.json: every query parameter of the Users API operations
in Contabo's OpenAPI spec, with the example value the spec gives for it. The sandbox test calls the
simulator with each one. Run from the repository with the spec beside it:
    python3 scripts/spec-query-examples.py ../shared/contabo/contabo-openapi.yaml
(needs PyYAML)."""
import datetime
import json
import sys

import yaml

spec = yaml.safe_load(open(sys.argv[1]))
examples = []
for path, operations in spec["paths"].items():
    if not (path.startswith("/v1/users") or path.startswith("/v1/roles")):
        continue
    for method, operation in operations.items():
        if method not in ("get", "post", "put", "patch", "delete"):
            continue
        for parameter in operation.get("parameters", []):
            if "$ref" in parameter:
                parameter = spec["components"]["parameters"][parameter["$ref"].split("/")[-1]]
            if parameter.get("in") != "query":
                continue
            example = parameter.get("example", parameter.get("schema", {}).get("example"))
            if isinstance(example, (datetime.date, datetime.datetime)):
                example = example.isoformat()
            examples.append({
                "method": method.upper(),
                "path": path,
                "name": parameter["name"],
                "example": example,
            })
out = "test/sandbox/spec-query-examples.json"
with open(out, "w") as file:
    json.dump({"source": "Contabo OpenAPI spec, query parameters of /v1/users* and /v1/roles*", "examples": examples}, file, indent=2)
    file.write("\n")
print(f"{out}: {len(examples)} examples")
