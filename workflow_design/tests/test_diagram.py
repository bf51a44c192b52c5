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
            arrow(1, 2, {"==": [{"var": "tasks.approval.decision"}, "approve"]}),
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
    assert "  t1 -->|\"approval.decision equals 'approve'\"| t2" in lines
    assert '  t1 -->|"Otherwise"| finish' in lines
    assert "  t2 --> finish" in lines
    assert "-.->" not in text


def test_a_task_without_outgoing_transitions_ends_with_a_dotted_arrow():
    text = workflow_mermaid([task(7, "Only")], [arrow(None, 7)])
    assert "  t7 -.-> finish" in text.splitlines()


def test_label_and_condition_both_show():
    text = workflow_mermaid([task(1, "A")], [arrow(1, None, {"!": [{"var": "ticket.note"}]}, label="No note")])
    assert '-->|"No note: ticket.note is empty"| finish' in text


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
