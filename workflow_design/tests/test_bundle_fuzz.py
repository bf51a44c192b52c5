"""Whatever a file holds, parse / validate / import answer BundleInvalid or succeed completely."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from users.models import CompanyRole
from workflow_design.bundle_schema import BUNDLE_FORMAT
from workflow_design.bundles import BundleInvalid, parse_bundle, reference_bundle_bytes, reference_bundle_paths
from workflow_design.models import TaskDefinition, TicketDefinition, WorkflowDefinition, WorkflowTransition
from workflow_design.services import bundle_import

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
MODELS = (CompanyRole, WorkflowDefinition, TaskDefinition, WorkflowTransition, TicketDefinition)
REFERENCE_DOCS = [json.loads(reference_bundle_bytes(path)) for path in reference_bundle_paths()]
# Words a bundle uses, so that generated documents get past the first checks now and then.
WORDS = st.sampled_from(
    ["format", BUNDLE_FORMAT, "workflows", "tasks", "transitions", "key", "title", "type", "FORM", "SYNC_ACTION",
     "from", "to", "var", "ticket.summary", "company_roles", "name", "Sales", "ticket_definitions", "workflow_key",
     "properties", "string", "PT6H", "", "it-support"]
)  # fmt: skip
SCALARS = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text() | WORDS
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8) | WORDS, children, max_size=4)
    ),
    max_leaves=20,
)


def row_counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in MODELS)


def import_or_refuse(company, doc) -> None:
    """Import `doc`; if it is refused, nothing at all was written."""
    before = row_counts()
    try:
        bundle_import(company=company, actor=None, doc=doc)
    except BundleInvalid as invalid:
        assert invalid.problems
        assert row_counts() == before


@FUZZ
@given(doc=JSON)
def test_arbitrary_json_is_imported_or_refused_whole(tenant, doc):
    try:
        doc = parse_bundle(json.dumps(doc))
    except BundleInvalid:
        return
    import_or_refuse(tenant.company, doc)


@FUZZ
@given(fields=st.dictionaries(WORDS | st.text(max_size=8), JSON, max_size=4))
def test_arbitrary_bundle_shaped_documents_are_imported_or_refused_whole(tenant, fields):
    import_or_refuse(tenant.company, {"format": BUNDLE_FORMAT, **fields})


@FUZZ
@given(raw=st.binary(max_size=200) | st.text(max_size=200))
def test_arbitrary_bytes_parse_or_are_refused(raw):
    try:
        parse_bundle(raw)
    except BundleInvalid as invalid:
        assert invalid.problems


def containers(node, path=()):
    """Every (path, container) inside a document."""
    if isinstance(node, (dict, list)):
        yield path, node
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            yield from containers(child, (*path, key))


def like(value) -> st.SearchStrategy:
    """Mostly a value of the same JSON type (so some mutants stay valid), sometimes anything."""
    same = {str: st.text(max_size=20) | WORDS, bool: st.booleans(), int: st.integers(-5, 100), type(None): st.none()}
    return same.get(type(value), JSON) | JSON


@st.composite
def mutated_reference_bundle(draw):
    doc = json.loads(json.dumps(draw(st.sampled_from(REFERENCE_DOCS))))
    for _ in range(draw(st.integers(1, 3))):
        _, container = draw(st.sampled_from(list(containers(doc))))
        if isinstance(container, dict):
            keys = list(container)
            action = draw(st.sampled_from(["replace", "delete", "add"] if keys else ["add"]))
            if action == "add":
                container[draw(WORDS | st.text(max_size=8))] = draw(JSON)
            else:
                key = draw(st.sampled_from(keys))
                if action == "delete":
                    del container[key]
                else:
                    container[key] = draw(like(container[key]))
        elif container:
            index = draw(st.integers(0, len(container) - 1))
            action = draw(st.sampled_from(["replace", "delete", "duplicate"]))
            if action == "replace":
                container[index] = draw(like(container[index]))
            elif action == "delete":
                del container[index]
            else:
                container.append(json.loads(json.dumps(container[index])))
    return doc


@FUZZ
@given(doc=mutated_reference_bundle())
def test_mutated_reference_bundles_are_imported_or_refused_whole(tenant, doc):
    try:
        doc = parse_bundle(json.dumps(doc, ensure_ascii=False))
    except BundleInvalid:
        return
    import_or_refuse(tenant.company, doc)
