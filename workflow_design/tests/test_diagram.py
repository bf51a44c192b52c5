from workflow_design.diagram import mermaid_label, workflow_mermaid
from workflow_design.models import TaskDefinition, WorkflowTransition


def task(pk, title):
    return TaskDefinition(pk=pk, key=f"task-{pk}", title=title)


def arrow(from_id, to_id, condition=None, label=""):
    return WorkflowTransition(from_task_id=from_id, to_task_id=to_id, condition=condition, label=label)


def test_start_tasks_and_end_with_readable_condition_labels():
    text = workflow_mermaid(
        [task(1, "Approval"), task(2, "Invoice")],
        [
            arrow(None, 1),
            arrow(1, 2, {"==": [{"var": "tasks.task-1.decision"}, "approve"]}),
            arrow(1, None, label="Otherwise"),
            arrow(2, None),
        ],
    )
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    assert '  start(("Start"))' in lines
    assert '  finish(["End"])' in lines
    assert '  t1["Approval"]' in lines
    assert "  start --> t1" in lines
    # An arrow's words are a node on the arrow; the arrow's own task's field reads by its name.
    assert "  t1 --- a2(\"decision equals 'approve'\") --> t2" in lines
    assert '  t1 --- a3("<b>Otherwise</b>") --> finish' in lines
    assert "  class a2,a3 arrowWords" in lines
    assert "  t2 --> finish" in lines
    assert "-.->" not in text


def test_arrow_words_never_use_mermaid_edge_labels():
    """Mermaid puts edge labels mid-curve, where two arrows between the same tasks (there and back) collide."""
    text = workflow_mermaid(
        [task(1, "Send"), task(2, "Answer")],
        [arrow(None, 1), arrow(1, 2, label="Sent"), arrow(2, 1, {"==": [{"var": "tasks.task-2.x"}, 1]}, label="Again")],
    )
    assert "|" not in text
    assert '  t1 --- a2("<b>Sent</b>") --> t2' in text.splitlines()
    assert '  t2 --- a3("<b>Again</b><br>x equals 1") --> t1' in text.splitlines()


def test_a_task_without_outgoing_transitions_ends_with_a_dotted_arrow():
    text = workflow_mermaid([task(7, "Only")], [arrow(None, 7)])
    assert "  t7 -.-> finish" in text.splitlines()


def test_label_and_condition_both_show_other_tasks_fields_by_task_and_name():
    text = workflow_mermaid(
        [task(1, "A")],
        [
            arrow(1, None, {"!": [{"var": "ticket.note"}]}, label="No note"),
            arrow(1, None, {"===": [{"var": "tasks.review.ok"}, True]}, label="Reviewed"),
        ],
    )
    assert '--- a1("<b>No note</b><br>ticket.note is empty") --> finish' in text
    assert '--- a2("<b>Reviewed</b><br>review.ok is true") --> finish' in text


def test_arrow_labels_cannot_inject_markup_either():
    text = workflow_mermaid([task(1, "A")], [arrow(1, None, label="<i>x</i> | y")])
    assert '--- a1("<b>#lt;i#gt;x#lt;/i#gt; #124; y</b>") --> finish' in text


def test_labels_cannot_inject_syntax_or_markup():
    text = workflow_mermaid([task(3, 'Say "hi" [now] (ok) {x} | <b>#1</b>\nsecond line')], [])
    node = next(line for line in text.splitlines() if line.startswith("  t3["))
    assert node == (
        '  t3["Say #quot;hi#quot; #91;now#93; #40;ok#41; #123;x#125; #124; #lt;b#gt;#35;1#lt;/b#gt; second line"]'
    )


def test_mermaid_label_shortens_long_text():
    assert len(mermaid_label("x" * 200)) == 80
    assert mermaid_label("a  b\r\nc") == "a b c"


def test_problem_tasks_are_highlighted():
    text = workflow_mermaid([task(1, "A"), task(2, "B")], [], problem_task_ids={2})
    assert "  class t2 problem" in text.splitlines()
