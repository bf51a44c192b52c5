"""The one JsonLogic module: it evaluates exactly what it validates, and a failing rule is a RuleError."""

import pytest

from workflow_design.jsonlogic import OPERATORS, RuleError, apply_transform, evaluate, is_true, validate_jsonlogic

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
