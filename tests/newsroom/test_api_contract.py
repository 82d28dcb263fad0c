"""Issue 18, "The API's contract": schemathesis generates requests from /api/v1/openapi.json
and sends them over HTTP to the running app (pytest-django's live_server) with the demo
content loaded. Every answer must match the description (status, content type, body schema,
absolute links) and no input may give a 500. Bounded and reproducible: few examples per
operation, derandomized."""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom.api import openapi_description
from newsroom.demo.seed import load_demo

pytestmark = pytest.mark.django_db(transaction=True)

# Small enough that the file runs in well under a minute on two busy cores.
BOUNDED = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def demo(transactional_db):
    return load_demo()


# The description as the app serves it at /api/v1/openapi.json (the test below checks that
# the served one is this one); the requests go over HTTP to the running test server.
schema = schemathesis.openapi.from_dict(openapi_description())


@pytest.fixture
def api_url(live_server, demo):
    return f"{live_server.url}/api/v1"


def test_the_served_description_is_the_one_tested(api_url):
    with urllib.request.urlopen(f"{api_url}/openapi.json") as response:  # noqa: S310
        assert json.loads(response.read()) == openapi_description()


@schema.parametrize()
@BOUNDED
def test_every_answer_matches_the_description(case, api_url):
    case.call_and_validate(base_url=api_url)


def test_every_listed_item_matches_its_description(api_url):
    """Generated slugs rarely name anything: walk what the listings name, and check each item's
    own answer, and the listing filtered by it, against the description too."""
    for kind in ("releases", "people", "organisations", "topics"):
        page = schema[f"/{kind}/"]["GET"].Case().call_and_validate(base_url=api_url)
        results = page.json()["results"]
        assert results, kind
        for item in results:
            case = schema[f"/{kind}/{{slug}}/"]["GET"].Case(path_parameters={"slug": item["slug"]})
            case.call_and_validate(base_url=api_url)
            if kind != "releases":
                # An organisation may be public for a role in someone's career alone.
                name = {"people": "person", "organisations": "organisation"}.get(kind, "topic")
                case = schema["/releases/"]["GET"].Case(query={name: item["slug"]})
                count = case.call_and_validate(base_url=api_url).json()["count"]
                assert count >= 1 or kind == "organisations", (name, item["slug"])


def _get(url):
    try:
        with urllib.request.urlopen(url) as response:  # noqa: S310 - the test server
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_oembed_answers_any_parameters_without_an_error(live_server, demo):
    """oEmbed is outside the OpenAPI description (it is its own standard): the same promise,
    no input gives a 500 and every answer is JSON."""
    release_url = f"http://testserver{demo.get_absolute_url()}"
    text = st.text(max_size=40)

    @given(
        url=st.one_of(st.just(release_url), text, text.map(lambda t: release_url + t)),
        maxwidth=st.one_of(st.none(), text, st.integers().map(str)),
        maxheight=st.one_of(st.none(), text, st.integers().map(str)),
        format=st.one_of(st.none(), st.sampled_from(["json", "xml"]), text),
    )
    @BOUNDED
    def check(**parameters):
        query = urllib.parse.urlencode({k: v for k, v in parameters.items() if v is not None})
        status, content_type, body = _get(f"{live_server.url}/oembed/?{query}")
        # 501 is oEmbed's own answer to a format it does not offer.
        assert status < 500 or (status == 501 and parameters["format"] not in (None, "json"))
        assert content_type == "application/json", (parameters, content_type)
        data = json.loads(body)
        if status == 200:
            assert data["type"] == "rich" and data["version"] == "1.0"
            assert 100 <= data["width"] <= 2000

    check()
