"""The one JsonLogic module: it evaluates exactly what it validates, and a failing rule is a RuleError."""

import re

import pytest
from json_logic import ALL_OPERATIONS, operations

from workflow_design.jsonlogic import (
    OPERATORS,
    TABLE_OPERATIONS,
    RuleError,
    apply_transform,
    evaluate,
    is_true,
    validate_jsonlogic,
)

DATA = {"ticket": {"amount": 120, "item": "Chairs", "lines": [{"price": 2}, {"price": 3}]}, "tasks": {}}


def test_conditions_read_the_workflow_data():
    assert is_true({">": [{"var": "ticket.amount"}, 100]}, DATA)
    assert not is_true({"==": [{"var": "ticket.item"}, "Desks"]}, DATA)
    assert is_true(None, DATA)  # no condition: always
    assert not is_true(False, DATA)  # a literal false is a condition that never holds


def test_transforms_build_the_next_tasks_input():
    transform = {
        "what": {"cat": [{"var": "ticket.item"}, " x", {"var": "ticket.amount"}]},
        "total": {"reduce": [{"var": "ticket.lines"}, {"+": [{"var": "accumulator"}, {"var": "current.price"}]}, 0]},
    }
    assert apply_transform(transform, DATA) == {"what": "Chairs x120", "total": 5}
    assert apply_transform(None, DATA) == {}


def test_dates_come_back_as_iso_text_the_workflow_can_store():
    assert evaluate({"date": "2026-11-30"}, DATA) == "2026-11-30"


@pytest.mark.parametrize(
    "rule",
    [
        {"/": [1, 0]},
        {"%": [1, 0]},
        {"substr": [{"var": "ticket.item"}, "one"]},
        {"date": "not a date"},
        {"rdelta": ["x"]},
        {"duration": "forever"},
        {"filter": [[1], True]},
    ],
)
def test_a_rule_that_cannot_be_evaluated_is_a_rule_error(rule):
    with pytest.raises(RuleError):
        evaluate(rule, DATA)


def test_a_failing_transform_names_its_field():
    with pytest.raises(RuleError, match="field 'share'"):
        apply_transform({"share": {"/": [{"var": "ticket.amount"}, 0]}}, DATA)


def test_every_operator_the_validator_allows_runs():
    args = {
        "var": "ticket.amount",
        "missing": ["ticket.amount"],
        "missing_some": [1, ["ticket.amount"]],
        "reduce": [[1, 2], {"+": [{"var": "accumulator"}, {"var": "current"}]}, 0],
        "map": [[1, 2], {"var": ""}],
        "if": [True, 1, 2],
        "?:": [True, 1, 2],
        "!": [False],
        "!!": [1],
        "log": [1],
        "today": [],
        "date": ["2026-01-01"],
        "datetime": ["2026-01-01T10:00:00"],
        "rdelta": [1],
        "duration": ["P1D"],
        "substr": ["abc", 1],
        "in": ["a", "abc"],
        "cat": ["a", "b"],
        "merge": [[1], [2]],
        "count": [1, 0],
        "length": [[1, 2]],
        "sum": [{"var": "ticket.lines"}, "price"],
    }
    for operator in sorted(OPERATORS):
        rule = {operator: args.get(operator, [4, 2])}
        assert validate_jsonlogic(rule, variables={"ticket.*"}, path="") == []
        try:
            evaluate(rule, DATA)
        except RuleError as error:  # e.g. rdelta alone gives a value no workflow can store
            assert "Unrecognized operation" not in str(error)


def test_an_operator_the_evaluator_lacks_is_refused_at_design_time():
    problems = validate_jsonlogic({"filter": [[1], True]}, variables=set(), path="condition")
    assert [(problem.path, problem.message) for problem in problems] == [
        ("condition.filter", "Unknown JsonLogic operator 'filter'.")
    ]


# --- Operators for tables: length and sum --------------------------------------------------

ORDER = {
    "ticket": {
        "lines": [
            {"item": "Silk", "meters": 2.5, "unit_price": 19.99},
            {"item": "Linen", "meters": 4, "unit_price": 0.01},
            {"item": "Sample", "unit_price": None},
        ],
        "finishes": ["matte", "foil"],
        "note": "abc",
    },
    "tasks": {},
}


@pytest.mark.parametrize(
    ("rule", "value"),
    [
        ({"length": {"var": "ticket.lines"}}, 3),
        ({"length": [{"var": "ticket.finishes"}]}, 2),
        ({"length": {"var": "ticket.note"}}, 3),
        ({"length": {"var": "ticket.missing"}}, 0),  # an optional table left empty is not stored
        ({"length": [[]]}, 0),
        ({"sum": [{"var": "ticket.lines"}, "meters"]}, 6.5),  # the row without meters is skipped
        ({"sum": [{"var": "ticket.lines"}, "unit_price"]}, 20.0),  # exactly, not 20.000000000000004
        ({"sum": [[1, 2, 3]]}, 6),
        ({"sum": [[1, 2.5]]}, 3.5),
        ({"sum": {"var": "ticket.missing"}}, 0),
        ({"sum": [{"var": "ticket.lines"}, "nothing"]}, 0),
        ({">=": [{"length": {"var": "ticket.lines"}}, 3]}, True),
        ({">": [{"sum": [{"var": "ticket.lines"}, "meters"]}, 10]}, False),
        ({"sum": [{"map": [{"var": "ticket.lines"}, {"*": [{"var": "meters"}, 2]}]}]}, 13.0),
    ],
)
def test_length_and_sum_read_tables(rule, value):
    assert (
        validate_jsonlogic(
            rule, variables={"ticket.lines", "ticket.finishes", "ticket.note", "ticket.missing"}, path="c"
        )
        == []
    )
    assert evaluate(rule, ORDER) == value


def test_a_transform_can_total_a_table():
    transform = {
        "line_count": {"length": {"var": "ticket.lines"}},
        "meters": {"sum": [{"var": "ticket.lines"}, "meters"]},
    }
    assert apply_transform(transform, ORDER) == {"line_count": 3, "meters": 6.5}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"length": 5}, "length needs a list or text, not an integer."),
        ({"length": {"var": "ticket.lines.0"}}, "length needs a list or text, not an object."),
        ({"sum": [{"var": "ticket.note"}]}, "sum needs a list, not a string."),
        ({"sum": [{"var": "ticket.lines"}, "item"]}, "sum: row 1's 'item' is a string, not a number."),
        ({"sum": [{"var": "ticket.finishes"}, "meters"]}, "sum: row 1 is a string, not an object with columns."),
        ({"sum": [[1, True]]}, "sum: item 2 is a boolean, not a number."),
    ],
)
def test_length_and_sum_of_the_wrong_thing_are_rule_errors(rule, message):
    with pytest.raises(RuleError, match=re.escape(message)):
        evaluate(rule, ORDER)


@pytest.mark.parametrize(
    ("rule", "where", "message"),
    [
        ({"length": []}, "c.length", '"length" takes one list: {"length": {"var": "ticket.lines"}}.'),
        ({"length": [[1], [2]]}, "c.length", '"length" takes one list: {"length": {"var": "ticket.lines"}}.'),
        ({"sum": []}, "c.sum", '"sum" takes [list] or [list, "column name"].'),
        ({"sum": [[1], "a", "b"]}, "c.sum", '"sum" takes [list] or [list, "column name"].'),
        (
            {"sum": [{"var": "ticket.lines"}, {"var": "ticket.note"}]},
            "c.sum[1]",
            'The column name must be literal text, e.g. "meters".',
        ),
        ({"sum": [{"var": "ticket.nope"}, "meters"]}, "c.sum[0].var", None),
    ],
)
def test_length_and_sum_are_checked_at_design_time(rule, where, message):
    problems = validate_jsonlogic(rule, variables={"ticket.lines", "ticket.note"}, path="c")
    assert [problem.path for problem in problems] == [where]
    if message:
        assert problems[0].message == message


def test_the_table_operators_are_registered_with_the_evaluator_once():
    assert {"length", "sum"} <= OPERATORS
    assert operations["length"] is TABLE_OPERATIONS["length"] and operations["sum"] is TABLE_OPERATIONS["sum"]
    assert not {"length", "sum"} & set(ALL_OPERATIONS)  # ours, not the library's: documented as extensions
