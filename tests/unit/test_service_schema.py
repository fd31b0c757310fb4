"""Property-based API tests: schemathesis generates requests from /openapi.json and checks
every response against it (no 500; the documented status, content type and schema).

The operations are driven through Hypothesis directly rather than schemathesis' pytest
plugin, which does not run under pytest 9 (it reads ``Function._nodeid``). Schema-valid
articles may still be refused with a 422 (an id over 512 bytes of UTF-8, a 13th month, a
lone surrogate: rules JSON Schema cannot state), so "valid data is accepted" is not checked;
every other default check is.
"""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from attrib.config import Config
from tests.service_contract import KEYS, WRITE_KEY
from tests.store_contract import bbc_articles

MAX_EXAMPLES = 20


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx, value):
    """The bulk body's schema is an array of articles, sent one JSON object a line."""
    if not isinstance(value, list):
        return json.dumps(value).encode("utf-8")
    return "".join(json.dumps(item) + "\n" for item in value).encode("utf-8", "surrogatepass")


@pytest.fixture
def seeded_app(tmp_path):
    from attrib.indexing import index_articles
    from attrib.service import create_app
    from attrib.store import EmbeddedStore

    path = tmp_path / "schema.db"
    seed = EmbeddedStore(path)
    index_articles(seed, bbc_articles(10))
    seed.close()
    return create_app(Config(db_path=path), keys=KEYS)


def check_openapi_contract(app) -> None:
    """Run every operation of ``app``'s /openapi.json through schemathesis, with a write key."""
    api_schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.label for op in operations} >= {"POST /v1/check", "PUT /v1/articles/{article_id}", "GET /v1/search"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def conforms(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {WRITE_KEY}"}, excluded_checks=[positive_data_acceptance])

        conforms()
    answered = {(s.labels["route"], s.labels["status"]) for s in app.state.metrics.requests.collect()[0].samples
                if s.name.endswith("_total") and s.value > 0}
    assert {route for route, _ in answered} >= {"/v1/check", "/v1/articles/{article_id}", "/v1/articles/_bulk", "/v1/search"}
    assert not [pair for pair in answered if pair[1].startswith("5")]


def test_the_api_keeps_its_openapi_contract(seeded_app):
    check_openapi_contract(seeded_app)
