"""A property-based fuzzer over the OpenAPI schema: no generated request ends in a 500.

Schemathesis's idea with hypothesis alone: every operation in ``/openapi.json`` is called
with path parameters drawn from their declared pattern and from arbitrary text, and with
bodies drawn from the request schema's property names filled with arbitrary JSON, with
arbitrary JSON (NaN and infinities as Python writes them), with mutated scenario files
and with raw bytes.  The runs it queues do no work (a
stand-in work function), so the budget goes to the API, not to flights.  The example
budget is small and fixed (derandomized) so the suite stays fast; ``THAADSIM_FUZZ=fuzz``
(``make fuzz``) gives it 20 times more.
"""

from __future__ import annotations

import json
import os
import urllib.parse

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.helpers import SMALL, instant
from thaadsim.web.app import create_app
from thaadsim.web.jobs import Limits

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

EXAMPLES = 20 * (20 if os.environ.get("THAADSIM_FUZZ") == "fuzz" else 1)

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                                max_size=4), max_leaves=12)


@st.composite
def mutated_scenario(draw):
    """SMALL with one line replaced, cut or repeated: YAML the parser and schema must refuse cleanly."""
    lines = SMALL.splitlines()
    i = draw(st.integers(0, len(lines) - 1))
    action = draw(st.sampled_from(["replace", "cut", "repeat", "value"]))
    if action == "replace":
        lines[i] = draw(st.text(max_size=30))
    elif action == "cut":
        del lines[i]
    elif action == "repeat":
        lines.insert(i, lines[i])
    elif ":" in lines[i]:
        key = lines[i].split(":", 1)[0]
        lines[i] = f"{key}: {draw(st.sampled_from(['-1', '1e400', '.nan', '[]', '{}', '999999', 'x', '~']))}"
    return "\n".join(lines) + "\n"


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            yield path, method, op


def body_strategy(schema, op):
    content = (op.get("requestBody") or {}).get("content", {}).get("application/json")
    if content is None:
        return st.none()
    ref = content["schema"]["$ref"].rsplit("/", 1)[-1]
    props = schema["components"]["schemas"][ref]["properties"]
    value = JSON | mutated_scenario() | st.integers(-(2**70), 2**70)
    shaped = st.fixed_dictionaries({}, optional={name: value for name in props})
    return (shaped | JSON).map(lambda doc: json.dumps(doc).encode()) | st.binary(max_size=200)


def path_strategy(path, op):
    params = {p["name"]: p["schema"].get("pattern") for p in op.get("parameters", []) if p["in"] == "path"}
    pieces = {name: (st.from_regex(pattern, fullmatch=True) if pattern else st.text()) | st.text(min_size=1)
              for name, pattern in params.items()}
    return st.fixed_dictionaries(pieces).map(
        lambda values: path.format(**{k: urllib.parse.quote(v, safe="") for k, v in values.items()}))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    limits = Limits(queued_runs=10_000, kept_runs=8)
    with TestClient(create_app(tmp_path_factory.mktemp("runs"), limits, work=instant, study_work=instant),
                    raise_server_exceptions=False) as c:
        yield c


def test_no_generated_request_is_a_server_error(client):
    schema = client.get("/openapi.json").json()
    ops = list(operations(schema))
    assert len(ops) >= 8

    for path, method, op in ops:
        fuzz(client, schema, path, method, op)()


def fuzz(client, schema, path, method, op):
    """The hypothesis test of one operation."""

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(url=path_strategy(path, op), body=body_strategy(schema, op))
    def call(url, body):
        kwargs = {} if body is None else {"content": body, "headers": {"content-type": "application/json"}}
        response = client.request(method.upper(), url, **kwargs)
        assert response.status_code < 500, (method, url, body, response.status_code, response.text[:300])

    return call
