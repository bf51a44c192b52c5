import json

import pytest
from django.urls import reverse

from ticketflower.testing.html_forms import form_data
from users.roles import SystemRole
from users.tests.factories import CompanyRoleFactory
from workflow_design import services
from workflow_design.bundles import reference_bundle
from workflow_design.models import DefinitionStatus, TaskDefinition, WorkflowDefinition, WorkflowTransition
from workflow_design.tests.factories import DECISION_SCHEMA, TicketDefinitionFactory, two_task_workflow

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def login(client, tenant, role):
    client.force_login(tenant.by_role[role])
    return client


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "100",
    }


def task_post(title, *, key="", rows=(), raw=None, original="", **extra):
    data = {
        "title": title,
        "key": key,
        "task_type": "FORM",
        "assignment": "least_loaded",
        **management("output", len(rows)),
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"output-{index}-{name}"] = value
    data["output-raw-raw"] = raw if raw is not None else original
    data["output-raw-original"] = original
    data.update(extra)
    return data


# --- Permissions --------------------------------------------------------------------------


def test_ticket_admin_reads_but_cannot_write(client, tenant):
    workflow = two_task_workflow(tenant.company)
    login(client, tenant, SystemRole.TICKET_ADMIN)
    assert client.get(reverse("design:workflow-list")).status_code == 200
    assert client.get(reverse("design:workflow-detail", args=[workflow.pk])).status_code == 200
    assert client.get(reverse("design:workflow-export", args=[workflow.pk])).status_code == 200
    assert client.get(reverse("design:workflow-create")).status_code == 403
    assert client.get(reverse("design:workflow-edit", args=[workflow.pk])).status_code == 403
    assert client.post(reverse("design:workflow-publish", args=[workflow.pk])).status_code == 403
    assert client.post(reverse("design:workflow-discard", args=[workflow.pk])).status_code == 403
    assert client.get(reverse("design:task-create", args=[workflow.pk])).status_code == 403
    assert client.get(reverse("design:field-row"), {"prefix": "output", "output-TOTAL_FORMS": "0"}).status_code == 403
    assert WorkflowDefinition.objects.get(pk=workflow.pk).status == DefinitionStatus.DRAFT


def test_submitter_gets_403_everywhere(client, tenant):
    workflow = two_task_workflow(tenant.company)
    task = workflow.tasks.first()
    transition = workflow.transitions.first()
    login(client, tenant, SystemRole.USER)
    for name, args in [
        ("design:workflow-list", []),
        ("design:workflow-create", []),
        ("design:workflow-detail", [workflow.pk]),
        ("design:workflow-edit", [workflow.pk]),
        ("design:workflow-export", [workflow.pk]),
        ("design:task-edit", [workflow.pk, task.pk]),
        ("design:transition-edit", [workflow.pk, transition.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    for name, args in [
        ("design:workflow-publish", [workflow.pk]),
        ("design:workflow-draft", [workflow.pk]),
        ("design:task-delete", [workflow.pk, task.pk]),
        ("design:task-move", [workflow.pk, task.pk]),
        ("design:transition-delete", [workflow.pk, transition.pk]),
    ]:
        assert client.post(reverse(name, args=args)).status_code == 403, name


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("design:workflow-list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_task_of_another_workflow_of_the_same_company_is_404(client, tenant):
    first = two_task_workflow(tenant.company, title="First")
    second = two_task_workflow(tenant.company, title="Second")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    foreign_task = second.tasks.first()
    foreign_arrow = second.transitions.first()
    assert client.get(reverse("design:task-edit", args=[first.pk, foreign_task.pk])).status_code == 404
    assert client.post(reverse("design:task-delete", args=[first.pk, foreign_task.pk])).status_code == 404
    assert client.post(reverse("design:transition-delete", args=[first.pk, foreign_arrow.pk])).status_code == 404
    assert TaskDefinition.objects.filter(pk=foreign_task.pk).exists()


# --- Create, edit, publish, versions ------------------------------------------------------------


def test_creator_creates_a_workflow_and_lands_in_the_editor(client, tenant):
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    response = client.post(reverse("design:workflow-create"), {"title": "Vendor quote", "description": "Quotes"})
    workflow = WorkflowDefinition.objects.get(company=tenant.company)
    assert response.status_code == 302
    assert response["Location"] == reverse("design:workflow-edit", args=[workflow.pk])
    assert (workflow.key, workflow.version, workflow.status) == ("vendor-quote", 1, DefinitionStatus.DRAFT)
    editor = client.get(response["Location"])
    assert editor.status_code == 200
    assert "No tasks yet" in editor.content.decode()


def test_duplicate_key_is_a_form_error(client, tenant):
    two_task_workflow(tenant.company, title="Purchase approval")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    response = client.post(reverse("design:workflow-create"), {"title": "Other", "key": "purchase-approval"})
    assert response.status_code == 200
    assert "already uses this key" in response.context["form"].errors["key"][0]


def test_adding_a_task_with_a_choice_field_via_htmx_refreshes_the_editor(client, tenant):
    workflow = services.workflow_create(company=tenant.company, actor=None, title="Approval")
    role = CompanyRoleFactory(company=tenant.company, name="Supervisors")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    data = task_post(
        "Supervisor approval",
        rows=[{"label": "Decision", "name": "", "type": "choice", "choices": "approve\ndecline", "required": "on"}],
        assignee_role=role.pk,
        remind_after="21600",
        escalate_after="86400",
    )
    response = client.post(reverse("design:task-create", args=[workflow.pk]), data, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#editor"
    task = workflow.tasks.get()
    assert task.key == "supervisor-approval"
    assert task.assignee_role == role
    assert task.remind_after.total_seconds() == 6 * 3600 and task.escalate_after.days == 1
    assert task.output_schema == {
        "type": "object",
        "properties": {"decision": {"type": "string", "title": "Decision", "enum": ["approve", "decline"]}},
        "required": ["decision"],
        "x-order": ["decision"],
    }
    content = response.content.decode()
    assert 'id="editor"' in content and "Supervisor approval" in content and 'class="mermaid' in content
    # The first task became the start.
    assert workflow.transitions.get().from_task is None


def test_field_builder_errors_show_next_to_the_rows(client, tenant):
    workflow = services.workflow_create(company=tenant.company, actor=None, title="Approval")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    data = task_post(
        "Review",
        rows=[
            {"label": "Amount", "name": "amount", "type": "integer"},
            {"label": "Amount again", "name": "amount", "type": "text"},
            {"label": "Bad", "name": "9 lives", "type": "text"},
            {"label": "Pick", "name": "pick", "type": "choice", "choices": ""},
        ],
    )
    response = client.post(reverse("design:task-create", args=[workflow.pk]), data, **HTMX)
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    content = response.content.decode()
    assert "Start with a letter" in content
    assert "needs at least one choice" in content
    assert not workflow.tasks.exists()
    # Fix the two bad rows; the duplicate name remains.
    data.update({"output-2-name": "lives", "output-3-choices": "a\nb"})
    response = client.post(reverse("design:task-create", args=[workflow.pk]), data, **HTMX)
    assert "Another field is already called “amount”" in response.content.decode()
    assert not workflow.tasks.exists()


def test_raw_json_schema_wins_when_edited_and_its_problems_are_listed(client, tenant):
    workflow = services.workflow_create(company=tenant.company, actor=None, title="Approval")
    task = services.task_create(
        actor=None, workflow=workflow, title="Review", key="review", output_schema=DECISION_SCHEMA
    )
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    url = reverse("design:task-edit", args=[workflow.pk, task.pk])
    original = json.dumps(DECISION_SCHEMA, indent=2)
    rows = [{"label": "Decision", "name": "decision", "type": "choice", "choices": "approve\ndecline"}]

    bad = {"type": "object", "properties": {"n": {"type": "integer", "minimum": "one"}}}
    response = client.post(
        url,
        task_post("Review", key="review", rows=rows, raw=json.dumps(bad), original=original),
        **HTMX,
    )
    assert "data-raw-errors" in response.content.decode()
    assert "minimum" in response.content.decode()

    good = {"type": "object", "properties": {"n": {"type": "integer", "title": "N"}}}
    client.post(url, task_post("Review", key="review", rows=rows, raw=json.dumps(good), original=original))
    task.refresh_from_db()
    assert task.output_schema == good

    # Untouched raw text (even reformatted): the rows win.
    rows = [{"label": "Score", "name": "score", "type": "number", "minimum": "0", "maximum": "9.5"}]
    shown = json.dumps(good, indent=2)
    client.post(url, task_post("Review", key="review", rows=rows, raw=json.dumps(good), original=shown))
    task.refresh_from_db()
    assert task.output_schema["properties"] == {
        "score": {"type": "number", "title": "Score", "minimum": 0, "maximum": 9.5}
    }


def test_field_row_endpoint_returns_the_next_row_and_counter(client, tenant):
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    response = client.get(reverse("design:field-row"), {"prefix": "output", "output-TOTAL_FORMS": "2"})
    content = response.content.decode()
    assert 'name="output-2-label"' in content and 'name="output-2-DELETE"' in content
    assert 'id="id_output-TOTAL_FORMS"' in content and 'value="3"' in content and "hx-swap-oob" in content
    assert client.get(reverse("design:field-row"), {"prefix": "<x>"}).status_code == 400


def test_assignee_role_choices_are_this_companys_only(client, tenant, other_tenant):
    workflow = services.workflow_create(company=tenant.company, actor=None, title="Approval")
    mine = CompanyRoleFactory(company=tenant.company, name="Buyers")
    theirs = CompanyRoleFactory(company=other_tenant.company, name="Spies")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    content = client.get(reverse("design:task-create", args=[workflow.pk])).content.decode()
    assert "Buyers" in content and "Spies" not in content
    response = client.post(
        reverse("design:task-create", args=[workflow.pk]),
        task_post("X", assignee_role=theirs.pk),
        **HTMX,
    )
    assert "valid choice" in response.content.decode()
    assert mine.pk and not workflow.tasks.exists()


def test_action_task_needs_a_url_and_form_task_drops_action_settings(client, tenant):
    workflow = services.workflow_create(company=tenant.company, actor=None, title="Orders")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    url = reverse("design:task-create", args=[workflow.pk])
    response = client.post(url, task_post("Stock check", task_type="SYNC_ACTION"), **HTMX)
    assert "needs the URL" in response.content.decode()
    client.post(
        url,
        task_post(
            "Stock check",
            task_type="SYNC_ACTION",
            action_url="https://stock.example/check",
            timeout_seconds="10",
            input_transform='{"var": "ticket"}',
        ),
    )
    task = workflow.tasks.get()
    assert (task.action_url, task.timeout_seconds, task.input_transform) == (
        "https://stock.example/check",
        10,
        {"var": "ticket"},
    )
    client.post(
        reverse("design:task-edit", args=[workflow.pk, task.pk]),
        task_post("Stock check", key=task.key, action_url="https://stock.example/check"),
    )
    task.refresh_from_db()
    assert (task.task_type, task.action_url, task.timeout_seconds) == ("FORM", "", None)


def test_tasks_move_and_delete(client, tenant):
    workflow = two_task_workflow(tenant.company)
    review, invoice = workflow.tasks.order_by("position")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    client.post(reverse("design:task-move", args=[workflow.pk, invoice.pk]), {"direction": "up"}, **HTMX)
    assert list(workflow.tasks.order_by("position").values_list("key", flat=True)) == ["invoice", "review"]
    assert (
        client.post(reverse("design:task-move", args=[workflow.pk, invoice.pk]), {"direction": "x"}).status_code == 400
    )
    response = client.post(reverse("design:task-delete", args=[workflow.pk, invoice.pk]), **HTMX)
    assert response.status_code == 200
    assert list(workflow.tasks.values_list("key", flat=True)) == ["review"]
    # The dangling start is gone too; the problems list says so.
    assert "problem" in response.content.decode()


def test_transition_with_condition_from_the_builder(client, tenant):
    workflow = services.workflow_create(company=tenant.company, actor=None, title="Approval")
    review = services.task_create(
        actor=None, workflow=workflow, title="Review", key="review", output_schema=DECISION_SCHEMA
    )
    invoice = services.task_create(actor=None, workflow=workflow, title="Invoice", key="invoice")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    url = reverse("design:transition-create", args=[workflow.pk])
    form = client.get(url, **HTMX).content.decode()
    assert 'value="tasks.review.decision"' in form
    response = client.post(
        url,
        {
            "from_task": review.pk,
            "to_task": invoice.pk,
            "priority": "",
            "label": "Approved",
            "condition-variable": "tasks.review.decision",
            "condition-operator": "equals",
            "condition-value": "approve",
            "condition-raw": "",
            "condition-original": "",
        },
        **HTMX,
    )
    assert response["HX-Retarget"] == "#editor"
    arrow = workflow.transitions.get(from_task=review)
    assert arrow.condition == {"==": [{"var": "tasks.review.decision"}, "approve"]}
    assert arrow.priority == 0 and arrow.label == "Approved"
    assert "review.decision equals &#x27;approve&#x27;" in response.content.decode()

    # The "otherwise" arrow gets a later priority by itself.
    client.post(
        url,
        {"from_task": review.pk, "to_task": "", "priority": "", "label": "", "condition-variable": ""},
        **HTMX,
    )
    otherwise = workflow.transitions.get(from_task=review, to_task=None)
    assert otherwise.condition is None and otherwise.priority == 10


def test_transition_raw_jsonlogic_and_its_errors(client, tenant):
    workflow = two_task_workflow(tenant.company)
    arrow = workflow.transitions.get(from_task__key="review", to_task__key="invoice")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    url = reverse("design:transition-edit", args=[workflow.pk, arrow.pk])
    base = {"from_task": arrow.from_task_id, "to_task": arrow.to_task_id, "priority": "0", "label": ""}
    bad = client.post(url, {**base, "condition-raw": '{"nope": [1]}', "condition-original": ""}, **HTMX)
    assert "HX-Retarget" not in bad and "nope" in bad.content.decode()
    unknown = client.post(
        url, {**base, "condition-raw": '{"==": [{"var": "tasks.ghost.x"}, 1]}', "condition-original": ""}
    )
    assert unknown.status_code == 200 and "ghost" in unknown.content.decode()
    rule = {"and": [{"==": [{"var": "tasks.review.decision"}, "approve"]}, {"!!": [{"var": "ticket.amount"}]}]}
    client.post(url, {**base, "condition-raw": json.dumps(rule), "condition-original": ""})
    arrow.refresh_from_db()
    assert arrow.condition == rule
    # A complex rule opens as raw JsonLogic and survives a save that does not touch it.
    form = client.get(url, **HTMX)
    assert "more than one comparison" in form.content.decode()
    form_ctx = form.context["condition"]
    client.post(url, {**base, "condition-raw": form_ctx["raw"].value(), "condition-original": ""})
    arrow.refresh_from_db()
    assert arrow.condition == rule


def test_start_arrow_cannot_have_a_condition(client, tenant):
    workflow = two_task_workflow(tenant.company)
    review = workflow.tasks.get(key="review")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    response = client.post(
        reverse("design:transition-create", args=[workflow.pk]),
        {
            "from_task": "",
            "to_task": review.pk,
            "condition-variable": "tasks.review.decision",
            "condition-operator": "is_not_empty",
        },
        **HTMX,
    )
    assert "cannot have a condition" in response.content.decode()


def test_publish_then_edit_as_new_draft_keeps_v1_published_until_v2_publishes(client, tenant):
    workflow = two_task_workflow(tenant.company)
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    response = client.post(reverse("design:workflow-publish", args=[workflow.pk]), follow=True)
    assert "Version 1 is published" in response.content.decode()
    workflow.refresh_from_db()
    assert workflow.status == DefinitionStatus.PUBLISHED

    # A published version is not editable: the editor sends you to "Edit as new draft".
    response = client.get(reverse("design:workflow-edit", args=[workflow.pk]), follow=True)
    assert "Edit as new draft" in response.content.decode()

    response = client.post(reverse("design:workflow-draft", args=[workflow.pk]))
    draft = WorkflowDefinition.objects.get(key=workflow.key, version=2)
    assert response["Location"] == reverse("design:workflow-edit", args=[draft.pk])
    assert draft.status == DefinitionStatus.DRAFT and draft.tasks.count() == 2
    # Asking again opens the same draft.
    client.post(reverse("design:workflow-draft", args=[workflow.pk]))
    assert WorkflowDefinition.objects.filter(key=workflow.key).count() == 2

    detail = client.get(reverse("design:workflow-detail", args=[workflow.pk])).content.decode()
    assert "Open draft v2" in detail

    client.post(reverse("design:task-create", args=[draft.pk]), task_post("Archive", key="archive"))
    archive, invoice = draft.tasks.get(key="archive"), draft.tasks.get(key="invoice")
    client.post(
        reverse("design:transition-create", args=[draft.pk]),
        {"from_task": invoice.pk, "to_task": archive.pk, "priority": "-1", "condition-variable": ""},
    )
    assert draft.transitions.filter(to_task=archive).exists()
    # Invoice now always goes on to Archive, so its old arrow to the end could never be taken.
    old_end = draft.transitions.get(from_task=invoice, to_task=None)
    client.post(reverse("design:transition-delete", args=[draft.pk, old_end.pk]))
    workflow.refresh_from_db()
    assert workflow.status == DefinitionStatus.PUBLISHED and workflow.tasks.count() == 2

    listing = client.get(reverse("design:workflow-list")).content.decode()
    assert "Published v1" in listing and "draft of v2 pending" in listing

    client.post(reverse("design:workflow-publish", args=[draft.pk]))
    workflow.refresh_from_db()
    draft.refresh_from_db()
    assert (workflow.status, draft.status) == (DefinitionStatus.RETIRED, DefinitionStatus.PUBLISHED)


def test_invalid_draft_cannot_publish_and_shows_its_problems(client, tenant):
    workflow = services.workflow_create(company=tenant.company, actor=None, title="Half done")
    review = services.task_create(
        actor=None, workflow=workflow, title="Review", key="review", output_schema=DECISION_SCHEMA
    )
    services.task_create(actor=None, workflow=workflow, title="Orphan", key="orphan")
    services.transition_create(
        actor=None,
        workflow=workflow,
        from_task=review,
        to_task=None,
        condition={"==": [{"var": "tasks.review.nothing"}, 1]},
    )
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    response = client.post(reverse("design:workflow-publish", args=[workflow.pk]), follow=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Not published" in content
    assert "orphan" in content and "cannot be reached" in content
    workflow.refresh_from_db()
    assert workflow.status == DefinitionStatus.DRAFT
    # Problems sit next to their rows too.
    tasks = {task.key: task for task in response.context["tasks"]}
    assert tasks["orphan"].problems and not tasks["review"].problems
    arrow = next(t for t in response.context["transitions"] if t.from_task_id == review.pk)
    assert arrow.problems


def test_publishing_a_published_version_is_a_message_not_an_error(client, tenant):
    workflow = two_task_workflow(tenant.company, publish=True)
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    response = client.post(reverse("design:workflow-publish", args=[workflow.pk]), follow=True)
    assert response.status_code == 200 and "cannot change" in response.content.decode()
    response = client.post(reverse("design:task-delete", args=[workflow.pk, workflow.tasks.first().pk]), **HTMX)
    assert response.status_code == 204 and response["HX-Redirect"] == reverse(
        "design:workflow-detail", args=[workflow.pk]
    )
    assert workflow.tasks.count() == 2


def test_discard_draft_goes_back_to_the_published_version(client, tenant):
    published = two_task_workflow(tenant.company, publish=True)
    draft = services.workflow_draft_for_editing(workflow=published, actor=None)
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    response = client.post(reverse("design:workflow-discard", args=[draft.pk]))
    assert response["Location"] == reverse("design:workflow-detail", args=[published.pk])
    assert not WorkflowDefinition.objects.filter(pk=draft.pk).exists()
    only = services.workflow_create(company=tenant.company, actor=None, title="Scratch")
    response = client.post(reverse("design:workflow-discard", args=[only.pk]))
    assert response["Location"] == reverse("design:workflow-list")


def test_export_downloads_a_json_bundle(client, tenant):
    workflow = two_task_workflow(tenant.company, publish=True)
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    response = client.get(reverse("design:workflow-export", args=[workflow.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="purchase-approval-v1.ticketflower.json"'
    bundle = json.loads(response.content)
    assert [w["key"] for w in bundle["workflows"]] == ["purchase-approval"]


def test_detail_shows_diagram_versions_and_readable_conditions(client, tenant):
    workflow = two_task_workflow(tenant.company, publish=True)
    login(client, tenant, SystemRole.TICKET_ADMIN)
    content = client.get(reverse("design:workflow-detail", args=[workflow.pk])).content.decode()
    assert '<pre class="mermaid' in content and "flowchart TD" in content
    assert "review.decision equals &#x27;approve&#x27;" in content
    assert "Edit as new draft" not in content  # ticket admins read only
    assert "mermaid.min.js" in content and 'nonce="' in content


# --- List --------------------------------------------------------------------------------------


def test_list_shows_one_row_per_key_and_filters(client, tenant, other_tenant):
    published = two_task_workflow(tenant.company, title="Purchase approval", publish=True)
    services.workflow_draft_for_editing(workflow=published, actor=None)
    services.workflow_create(company=tenant.company, actor=None, title="IT support")
    two_task_workflow(other_tenant.company, title="Secret other")
    login(client, tenant, SystemRole.TICKET_ADMIN)
    rows = client.get(reverse("design:workflow-list")).context["workflows"]
    assert [(w.title, w.version, w.task_count) for w in rows] == [("IT support", 1, 0), ("Purchase approval", 2, 2)]
    found = client.get(reverse("design:workflow-list"), {"q": "purch"}).context["workflows"]
    assert [w.key for w in found] == ["purchase-approval"]
    assert [
        w.key for w in client.get(reverse("design:workflow-list"), {"status": "published"}).context["workflows"]
    ] == ["purchase-approval"]
    drafts = client.get(reverse("design:workflow-list"), {"status": "draft"}).context["workflows"]
    assert len(drafts) == 2


def test_list_search_via_htmx_returns_only_rows(client, tenant):
    two_task_workflow(tenant.company)
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    content = client.get(reverse("design:workflow-list"), {"q": "purch"}, **HTMX).content.decode()
    assert "Purchase approval" in content and "<html" not in content


def test_empty_list_invites_creating_or_importing(client, tenant):
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    content = client.get(reverse("design:workflow-list")).content.decode()
    assert "Create a workflow" in content and 'href="/design/import/"' in content


def test_list_paginates(client, tenant):
    for n in range(27):
        services.workflow_create(company=tenant.company, actor=None, title=f"Flow {n:02}")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    response = client.get(reverse("design:workflow-list"))
    assert len(response.context["workflows"]) == 25
    assert len(client.get(reverse("design:workflow-list"), {"page": 2}).context["workflows"]) == 2


# --- Bounded queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_list_queries_do_not_grow_with_workflows(client, tenant, django_assert_max_num_queries, count):
    for n in range(count):
        workflow = two_task_workflow(tenant.company, title=f"Flow {n:02}", publish=n % 2 == 0)
        if n % 3 == 0 and workflow.status == DefinitionStatus.PUBLISHED:
            services.workflow_draft_for_editing(workflow=workflow, actor=None)
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("design:workflow-list"))
    assert response.status_code == 200


def _big_workflow(company, tasks):
    workflow = services.workflow_create(company=company, actor=None, title=f"Big {tasks}")
    role = CompanyRoleFactory(company=company)
    previous = None
    for n in range(tasks):
        task = services.task_create(
            actor=None,
            workflow=workflow,
            title=f"Step {n}",
            key=f"step-{n}",
            output_schema=DECISION_SCHEMA,
            assignee_role=role,
        )
        if previous is not None:
            services.transition_create(
                actor=None,
                workflow=workflow,
                from_task=previous,
                to_task=task,
                condition={"==": [{"var": f"tasks.step-{n - 1}.decision"}, "approve"]},
            )
            services.transition_create(
                actor=None, workflow=workflow, from_task=previous, to_task=None, priority=10, label="Done"
            )
        previous = task
    return workflow


@pytest.mark.parametrize("tasks", [2, 20])
@pytest.mark.parametrize("page", ["design:workflow-detail", "design:workflow-edit"])
def test_detail_and_editor_queries_do_not_grow_with_tasks(client, tenant, django_assert_max_num_queries, tasks, page):
    workflow = _big_workflow(tenant.company, tasks)
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    with django_assert_max_num_queries(16):
        response = client.get(reverse(page, args=[workflow.pk]))
    assert response.status_code == 200
    assert len(response.context["tasks"]) == tasks
    assert WorkflowTransition.objects.filter(workflow=workflow).count() == 1 + 2 * (tasks - 1)


# --- Mapping builder (action transforms) -----------------------------------------------------

ITEMS_SCHEMA = {
    "type": "object",
    "properties": {"sku": {"type": "string", "title": "SKU"}, "quantity": {"type": "integer", "title": "Quantity"}},
    "x-order": ["sku", "quantity"],
}
STOCK_SCHEMA = {
    "type": "object",
    "properties": {"in_stock": {"type": "boolean", "title": "In stock"}, "available": {"type": "integer"}},
}


def mapping_post(name, rows=(), *, raw=None, original=""):
    """The POST data of one mapping builder: (target, source) rows, the raw textarea and what the page showed."""
    data = management(f"{name}_rows", len(rows))
    for index, (target, source) in enumerate(rows):
        data[f"{name}_rows-{index}-target"] = target
        data[f"{name}_rows-{index}-source"] = source
    data[name] = raw if raw is not None else original
    data[f"{name}_original"] = original
    return data


def action_post(title, *, key="", inputs=(), outputs=(), fields=(), action_url="https://stock.example/check", **extra):
    return task_post(
        title,
        key=key,
        rows=fields,
        task_type="SYNC_ACTION",
        action_url=action_url,
        **mapping_post("input_transform", inputs),
        **mapping_post("output_transform", outputs),
        **extra,
    )


@pytest.fixture
def order_workflow(tenant):
    workflow = services.workflow_create(company=tenant.company, actor=None, title="Orders")
    services.task_create(
        actor=None, workflow=workflow, title="Collect items", key="collect-items", output_schema=ITEMS_SCHEMA
    )
    return workflow


def test_action_task_transforms_are_built_from_mapping_rows(client, tenant, order_workflow):
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    url = reverse("design:task-create", args=[order_workflow.pk])
    form = client.get(url, **HTMX).content.decode()
    assert 'value="tasks.collect-items.sku"' in form and "Add a mapping" in form
    assert 'name="input_transform_rows-__prefix__-target"' in form  # the row "Add a mapping" clones

    data = action_post(
        "Stock check",
        inputs=[("sku", "tasks.collect-items.sku"), ("quantity", "tasks.collect-items.quantity"), ("", "")],
        outputs=[("in_stock", "response.available"), ("", "response.")],  # blank rows are ignored
        fields=[{"label": "In stock", "name": "in_stock", "type": "boolean"}],
    )
    response = client.post(url, data, **HTMX)
    assert response["HX-Retarget"] == "#editor"
    task = order_workflow.tasks.get(key="stock-check")
    assert task.input_transform == {
        "sku": {"var": "tasks.collect-items.sku"},
        "quantity": {"var": "tasks.collect-items.quantity"},
    }
    assert task.output_transform == {"in_stock": {"var": "response.available"}}

    # The form opens with the rows, and a removed row drops its mapping.
    edit = reverse("design:task-edit", args=[order_workflow.pk, task.pk])
    assert client.get(edit, **HTMX).context["form"].input_mapping.formset.initial == [
        {"target": "sku", "source": "tasks.collect-items.sku"},
        {"target": "quantity", "source": "tasks.collect-items.quantity"},
    ]
    data.update(key="stock-check", **{"input_transform_rows-1-DELETE": "on"})
    client.post(edit, data, **HTMX)
    task.refresh_from_db()
    assert task.input_transform == {"sku": {"var": "tasks.collect-items.sku"}}


def test_an_edited_raw_transform_wins_over_the_rows(client, tenant, order_workflow):
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    rule = {"in_stock": {"!!": [{"var": "response.available"}]}}
    data = action_post("Stock check", inputs=[("sku", "tasks.collect-items.sku")], outputs=[("in_stock", "response.x")])
    data["output_transform"] = json.dumps(rule)
    client.post(reverse("design:task-create", args=[order_workflow.pk]), data, **HTMX)
    task = order_workflow.tasks.get(key="stock-check")
    assert task.output_transform == rule
    assert task.input_transform == {"sku": {"var": "tasks.collect-items.sku"}}


def test_mapping_errors_show_next_to_their_row_and_nothing_is_saved(client, tenant, order_workflow):
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    url = reverse("design:task-create", args=[order_workflow.pk])
    data = action_post(
        "Stock check",
        inputs=[("Bad Name", "tasks.collect-items.sku"), ("sku", "tasks.ghost.sku"), ("sku", "")],
        outputs=[("in_stock", "response.available"), ("in_stock", "response.other"), ("note", "reply.text")],
    )
    response = client.post(url, data, **HTMX)
    assert "HX-Retarget" not in response
    form = response.context["form"]
    inputs, outputs = form.input_mapping.formset.forms, form.output_mapping.formset.forms
    assert "Start with a letter" in inputs[0].errors["target"][0]
    assert "not a variable this task can read" in inputs[1].errors["source"][0]
    assert "Choose where the value comes from" in inputs[2].errors["source"][0]
    assert "Another mapping already fills “in_stock”" in outputs[1].errors["target"][0]
    assert "Unknown variable “reply.text”" in outputs[2].errors["source"][0]
    content = response.content.decode()
    assert "Please fix the marked fields" in content
    assert 'data-field-error="target"' in content and 'data-field-error="source"' in content
    assert not order_workflow.tasks.filter(key="stock-check").exists()

    # Targets of the output transform are the fields of the form the task produces.
    data = action_post(
        "Stock check",
        outputs=[("in_stok", "response.available")],
        fields=[{"label": "In stock", "name": "in_stock", "type": "boolean"}],
    )
    response = client.post(url, data, **HTMX)
    assert "has no field “in_stok”; use one of: in_stock" in response.content.decode()
    assert not order_workflow.tasks.filter(key="stock-check").exists()


def test_raw_transform_problems_show_next_to_the_textarea(client, tenant, order_workflow):
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    url = reverse("design:task-create", args=[order_workflow.pk])
    data = action_post("Stock check")
    data["input_transform"] = '{"sku": {"var": "tasks.ghost.sku"}}'
    response = client.post(url, data, **HTMX)
    assert response.context["form"].input_mapping.raw_errors
    content = response.content.decode()
    assert 'data-field-error="input_transform"' in content and "tasks.ghost.sku" in content
    data["input_transform"] = '["not", "a", "mapping"]'
    assert "A transform is a JSON object" in client.post(url, data, **HTMX).content.decode()
    assert not order_workflow.tasks.filter(key="stock-check").exists()


def test_a_complex_transform_opens_raw_and_survives_an_edit_that_does_not_touch_it(client, tenant, order_workflow):
    complex_rule = {
        "in_stock": {"!!": [{"var": "response.available"}]},
        "available": {"var": ["response.available", 0]},
    }
    task = services.task_create(
        actor=None,
        workflow=order_workflow,
        title="Stock check",
        key="stock-check",
        task_type="SYNC_ACTION",
        action_url="https://stock.example/check",
        output_schema=STOCK_SCHEMA,
        input_transform={"sku": {"var": "tasks.collect-items.sku"}},
        output_transform=complex_rule,
    )
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    url = reverse("design:task-edit", args=[order_workflow.pk, task.pk])
    page = client.get(url, **HTMX)
    form = page.context["form"]
    assert not form.output_mapping.rows_supported and form.output_mapping.raw_panel_open
    assert "does more than copy values" in page.content.decode()
    shown_input = json.dumps(task.input_transform, indent=2)
    data = {
        **task_post("Stock check", key="stock-check", task_type="SYNC_ACTION", action_url=task.action_url),
        **mapping_post("input_transform", [("sku", "tasks.collect-items.sku")], original=shown_input),
        # What the page showed: the rule in the textarea, no original, no rows.
        **mapping_post("output_transform", raw=form.output_mapping.raw.value()),
        "title": "Check the stock",
    }
    response = client.post(url, data, **HTMX)
    assert response["HX-Retarget"] == "#editor"
    task.refresh_from_db()
    assert task.title == "Check the stock"
    assert task.output_transform == complex_rule
    assert task.input_transform == {"sku": {"var": "tasks.collect-items.sku"}}


def test_input_mapping_offers_earlier_tasks_only(client, tenant, order_workflow):
    first = order_workflow.tasks.get(key="collect-items")
    later = services.task_create(
        actor=None, workflow=order_workflow, title="Ship", key="ship", output_schema=STOCK_SCHEMA
    )
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    form = client.get(reverse("design:task-edit", args=[order_workflow.pk, first.pk]), **HTMX).content.decode()
    assert "tasks.collect-items.sku" not in form and "tasks.ship.in_stock" not in form
    form = client.get(reverse("design:task-edit", args=[order_workflow.pk, later.pk]), **HTMX).content.decode()
    assert 'value="tasks.collect-items.sku"' in form and 'value="tasks.ship.in_stock"' not in form


# --- Review fixes: nothing a designer did not change is lost or refused ------------------------------


def procurement_draft(tenant):
    services.bundle_import(company=tenant.company, actor=None, doc=reference_bundle("procurement"))
    published = WorkflowDefinition.objects.for_company(tenant.company).get()
    return services.workflow_draft_for_editing(workflow=published, actor=None)


def test_saving_a_form_task_as_the_page_shows_it_keeps_its_input_mapping(client, tenant):
    draft = procurement_draft(tenant)
    task = draft.tasks.get(key="vendor-quote")
    mapping = task.input_transform
    assert task.task_type == "FORM" and mapping
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    url = reverse("design:task-edit", args=[draft.pk, task.pk])

    page = client.get(url, **HTMX).content.decode()
    data = form_data(page, test_id="task-form")
    data["title"] = "Get two vendor quotes"
    response = client.post(url, data, **HTMX)

    assert response["HX-Retarget"] == "#editor"
    task.refresh_from_db()
    assert (task.title, task.input_transform) == ("Get two vendor quotes", mapping)


def test_a_form_task_shows_its_input_mapping(client, tenant):
    draft = procurement_draft(tenant)
    task = draft.tasks.get(key="supervisor-approval")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    page = client.get(reverse("design:task-edit", args=[draft.pk, task.pk]), **HTMX).content.decode()
    builder = page.split('data-mapping-builder="input_transform_rows"')[1].split("</fieldset>")[0]
    assert "quote_amount" in builder
    # Only the output mapping is for actions alone; the input mapping shows for every task type.
    wrapper = page.split('data-mapping-builder="input_transform_rows"')[0].rsplit("<div", 1)[1]
    assert "data-show-for" not in wrapper


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://127.0.0.1:8000/demo-actions/stock-check/",
        "http://[::1]/",
        "http://10.0.0.1/",
        "http://0x7f000001/",
        "http://2130706433/",
        "http://user:pw@127.0.0.1@evil.example/",
        "ftp://stock.example/check",
    ],
)
def test_the_task_form_refuses_action_urls_that_reach_inside(client, tenant, order_workflow, url):
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    create = reverse("design:task-create", args=[order_workflow.pk])
    response = client.post(create, action_post("Stock check", action_url=url, timeout_seconds="10"), **HTMX)
    assert "HX-Retarget" not in response
    assert response.context["form"].errors["action_url"]
    assert not order_workflow.tasks.filter(key="stock-check").exists()


def test_private_action_urls_are_fine_where_the_setting_allows_them(
    client, tenant, order_workflow, allow_private_action_targets
):
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    create = reverse("design:task-create", args=[order_workflow.pk])
    data = action_post("Stock check", action_url="http://127.0.0.1:8000/check/", timeout_seconds="10")
    response = client.post(create, data, **HTMX)
    assert response["HX-Retarget"] == "#editor"
    assert order_workflow.tasks.get(title="Stock check").action_url == "http://127.0.0.1:8000/check/"


# --- Problems and warnings on the pages; Publish only without errors ------------------------------


def warned_workflow(company):
    """Review -> Invoice when approved, and nothing for "decline": a ticket can stop at Review (a warning)."""
    workflow = services.workflow_create(company=company, actor=None, title="Approval")
    review = services.task_create(
        actor=None, workflow=workflow, title="Review", key="review", output_schema=DECISION_SCHEMA
    )
    invoice = services.task_create(actor=None, workflow=workflow, title="Invoice", key="invoice")
    services.transition_create(
        actor=None,
        workflow=workflow,
        from_task=review,
        to_task=invoice,
        label="Approved",
        condition={"==": [{"var": "tasks.review.decision"}, "approve"]},
    )
    return workflow


STOPS = "Task “Review”: a ticket stops here when review.decision = &#x27;decline&#x27;"


def publish_button(content: str) -> str:
    start = content.index('data-testid="publish"')
    return content[start : content.index(">", start)]


@pytest.mark.parametrize("page", ["design:workflow-detail", "design:workflow-edit"])
def test_a_warning_shows_once_beside_its_task_and_publishing_stays_open(client, tenant, page):
    workflow = warned_workflow(tenant.company)
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    response = client.get(reverse(page, args=[workflow.pk]))
    content = response.content.decode()
    assert content.count(STOPS) == 1
    review = next(task for task in response.context["tasks"] if task.key == "review")
    assert [problem.severity for problem in review.problems] == ["warning"]
    assert 'data-testid="row-warning"' in content
    assert "1 warning: you can publish, but look at it first." in content
    assert "disabled" not in publish_button(content)

    client.post(reverse("design:workflow-publish", args=[workflow.pk]))
    workflow.refresh_from_db()
    assert workflow.status == DefinitionStatus.PUBLISHED


@pytest.mark.parametrize("page", ["design:workflow-detail", "design:workflow-edit"])
def test_publish_is_disabled_while_there_are_errors_and_each_is_listed_once(client, tenant, page):
    workflow = warned_workflow(tenant.company)
    services.task_create(actor=None, workflow=workflow, title="Orphan", key="orphan")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    content = client.get(reverse(page, args=[workflow.pk])).content.decode()
    assert "disabled" in publish_button(content)
    assert "1 problem to fix before publishing, 1 warning" in content
    assert content.count("Task “Orphan” cannot be reached from the start.") == 1
    assert content.count(STOPS) == 1


def test_a_refused_publish_says_why_without_listing_the_problems_again(client, tenant):
    workflow = warned_workflow(tenant.company)
    services.task_create(actor=None, workflow=workflow, title="Orphan", key="orphan")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    content = client.post(reverse("design:workflow-publish", args=[workflow.pk]), follow=True).content.decode()
    assert "Not published: 1 problem to fix first (listed below)." in content
    assert content.count("Task “Orphan” cannot be reached from the start.") == 1


def test_the_editor_refreshed_by_htmx_refreshes_the_publish_button_too(client, tenant):
    workflow = warned_workflow(tenant.company)
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    response = client.post(reverse("design:task-create", args=[workflow.pk]), task_post("Orphan"), **HTMX)
    content = response.content.decode()
    assert response["HX-Retarget"] == "#editor"
    assert '<div id="publish-button" hx-swap-oob="true">' in content
    assert "disabled" in publish_button(content)


def test_a_general_problem_is_listed_above_the_rows(client, tenant):
    workflow = two_task_workflow(tenant.company)
    workflow.transitions.filter(from_task=None).delete()
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    content = client.get(reverse("design:workflow-edit", args=[workflow.pk])).content.decode()
    assert 'data-testid="general-error"' in content
    assert content.count("The workflow has no start") == 1


def test_the_published_version_shows_its_warnings_too(client, tenant):
    workflow = services.workflow_publish(actor=None, workflow=warned_workflow(tenant.company))
    login(client, tenant, SystemRole.TICKET_ADMIN)
    content = client.get(reverse("design:workflow-detail", args=[workflow.pk])).content.decode()
    assert content.count(STOPS) == 1
    assert "1 warning to look at." in content


def test_what_publishing_would_refuse_in_a_published_ticket_type_is_on_the_page(client, tenant):
    published = two_task_workflow(tenant.company, publish=True)
    TicketDefinitionFactory(  # stored broken: a field type the forms cannot show
        company=tenant.company,
        workflow_key=published.key,
        status=DefinitionStatus.PUBLISHED,
        title="Purchase",
        fields_schema={"type": "object", "properties": {"colour": {"type": "colour"}}},
    )
    draft = services.workflow_draft_for_editing(workflow=published, actor=None)
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    content = client.get(reverse("design:workflow-detail", args=[draft.pk])).content.decode()
    assert 'data-testid="general-error"' in content
    assert content.count("Ticket type “Purchase”: Field &#x27;colour&#x27;: type &#x27;colour&#x27;") == 1
    assert "disabled" in publish_button(content)


# --- The arrow form: choices, the validator's checks, its first state ----------------------------


def arrow_post(from_task, to_task, **condition):
    data = {"from_task": from_task.pk if from_task else "", "to_task": to_task.pk if to_task else "", "label": "x"}
    data.update({f"condition-{name}": value for name, value in condition.items()})
    return data


def test_the_arrow_form_offers_a_fields_choices(client, tenant):
    workflow = two_task_workflow(tenant.company)
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    form = client.get(reverse("design:transition-create", args=[workflow.pk]), **HTMX).content.decode()
    assert 'data-choices-for="tasks.review.decision"' in form
    assert '<option value="approve">approve</option><option value="decline">decline</option>' in form
    assert 'type="checkbox" name="condition-choice" value="decline"' in form


def test_a_choice_picked_from_the_dropdown_or_the_checkboxes_makes_the_rule(client, tenant):
    workflow = two_task_workflow(tenant.company)
    _review, invoice = workflow.tasks.get(key="review"), workflow.tasks.get(key="invoice")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    url = reverse("design:transition-create", args=[workflow.pk])
    client.post(
        url, arrow_post(invoice, None, variable="tasks.review.decision", operator="not_equals", choice="approve")
    )
    arrow = workflow.transitions.get(from_task=invoice, label="x")
    assert arrow.condition == {"!=": [{"var": "tasks.review.decision"}, "approve"]}
    data = arrow_post(invoice, None, variable="tasks.review.decision", operator="is_one_of")
    data["condition-choice"] = ["approve", "decline"]
    client.post(reverse("design:transition-edit", args=[workflow.pk, arrow.pk]), data)
    arrow.refresh_from_db()
    assert arrow.condition == {"in": [{"var": "tasks.review.decision"}, ["approve", "decline"]]}


@pytest.mark.parametrize(
    "condition",
    [
        {"variable": "tasks.review.decision", "operator": "equals", "value": "Approve"},
        {"raw": '{"==": [{"var": "tasks.review.decision"}, "Approve"]}'},
    ],
)
def test_a_value_that_is_not_a_choice_is_refused_in_the_arrow_form(client, tenant, condition):
    workflow = two_task_workflow(tenant.company)
    review, invoice = workflow.tasks.get(key="review"), workflow.tasks.get(key="invoice")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    response = client.post(
        reverse("design:transition-create", args=[workflow.pk]), arrow_post(review, invoice, **condition), **HTMX
    )
    assert "HX-Retarget" not in response
    assert (
        "review.decision has the choices approve, decline; &#x27;Approve&#x27; is not one of them (did you mean "
        "&#x27;approve&#x27;?), so this arrow can never be taken." in response.content.decode()
    )
    assert not workflow.transitions.filter(label="x").exists()


def test_the_arrow_form_knows_the_ticket_fields_of_the_ticket_types_of_its_key(client, tenant):
    workflow = two_task_workflow(tenant.company)
    TicketDefinitionFactory(
        company=tenant.company,
        workflow_key=workflow.key,
        title="Purchase",
        fields_schema={"type": "object", "properties": {"amount": {"type": "number"}}},
    )
    review, invoice = workflow.tasks.get(key="review"), workflow.tasks.get(key="invoice")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    response = client.post(
        reverse("design:transition-create", args=[workflow.pk]),
        arrow_post(review, invoice, raw='{">": [{"var": "ticket.budget"}, 100]}'),
        **HTMX,
    )
    assert "ticket type “Purchase” has no field &#x27;budget&#x27; (its fields: amount)." in response.content.decode()


def test_a_new_arrow_starts_in_a_state_that_is_not_an_error(client, tenant):
    workflow = services.workflow_create(company=tenant.company, actor=None, title="Approval")
    review = services.task_create(actor=None, workflow=workflow, title="Review", key="review")
    invoice = services.task_create(actor=None, workflow=workflow, title="Invoice", key="invoice")
    login(client, tenant, SystemRole.WORKFLOW_CREATOR)
    url = reverse("design:transition-create", args=[workflow.pk])
    response = client.get(url, **HTMX)
    form = response.context["form"]
    assert (form["from_task"].value(), form["to_task"].value()) == (review.pk, invoice.pk)
    content = response.content.decode()
    # "Always" is chosen: operator and value are hidden, and nothing is marked wrong.
    assert 'data-condition-part="operator" hidden' in content
    assert 'data-condition-part="value" hidden' in content
    assert "is-invalid" not in content and "invalid-feedback" not in content
    # Sent as it is, it is a good arrow.
    response = client.post(url, form_data(content), **HTMX)
    assert response["HX-Retarget"] == "#editor"
    assert workflow.transitions.filter(from_task=review, to_task=invoice, condition__isnull=True).exists()
    # The next one starts from the task with no way onward.
    form = client.get(url, **HTMX).context["form"]
    assert (form["from_task"].value(), form["to_task"].value()) == (invoice.pk, None)
