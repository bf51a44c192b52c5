"""Workflow diagrams: words that never overlap, a legible size on a phone, and a page that works before Mermaid."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, click_and_load, log_in, screenshot, swapped_in, visit
from users.roles import SystemRole
from users.tests.factories import TEST_PASSWORD, CompanyFactory, UserFactory
from workflow_design import services
from workflow_design.bundles import reference_bundle
from workflow_design.models import WorkflowDefinition

pytestmark = pytest.mark.django_db(transaction=True)

MERMAID = "**/vendor/mermaid/mermaid.min.js"

# Boxes (page pixels) of everything in the drawn diagram that carries words: Mermaid's own edge labels (empty
# ones are zero-sized), the nodes that carry an arrow's words, and the tasks.
DIAGRAM_BOXES = """(box) => {
  const rect = (element, kind) => {
    const r = element.getBoundingClientRect();
    return {kind, text: element.textContent.trim(), left: r.left, top: r.top, right: r.right, bottom: r.bottom};
  };
  const svg = box.querySelector("svg");
  const labels = [...svg.querySelectorAll("g.edgeLabel")].map((e) => rect(e, "edge label"))
    .concat([...svg.querySelectorAll("g.node.arrowWords")].map((e) => rect(e, "arrow words")))
    .filter((r) => r.text && r.right > r.left);
  const tasks = [...svg.querySelectorAll("g.node:not(.arrowWords)")].map((e) => rect(e, "node"));
  return {labels, tasks};
}"""

# How big the diagram's words are on the screen: the computed font size of each label's text, times the
# scale the drawing is shown at (its on-screen width over its own width).
SHOWN_FONT_SIZES = """(box) => {
  const svg = box.querySelector("svg");
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll("g.node .nodeLabel, g.edgeLabel .edgeLabel")]
    .filter((e) => e.textContent.trim())
    .map((e) => parseFloat(getComputedStyle(e).fontSize) * scale);
}"""


def overlaps(a, b):
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def artwork_process(email="wes@print.example"):
    company = CompanyFactory(name="Print Shop")
    creator = UserFactory(company=company, email=email, roles=[SystemRole.WORKFLOW_CREATOR])
    services.bundle_import(company=company, actor=None, doc=reference_bundle("artwork-approval"))
    return creator, WorkflowDefinition.objects.for_company(company).get()


def drawn(page):
    box = page.get_by_test_id("diagram")
    expect(box.locator("svg")).to_be_visible()
    expect(box).to_have_attribute("data-drawn", "true")
    return box


def test_artwork_diagram_words_never_overlap_and_conditions_read_as_words(page):
    creator, workflow = artwork_process()
    log_in(page, creator.email, TEST_PASSWORD)
    visit(page, f"/design/workflows/{workflow.pk}/")
    box = drawn(page)

    found = box.evaluate(DIAGRAM_BOXES)
    labels, tasks = found["labels"], found["tasks"]
    texts = " | ".join(label["text"] for label in labels)
    assert "Sent for approval" in texts and "Changes requested" in texts, texts
    clashes = [
        (a["text"], b["text"]) for index, a in enumerate(labels) for b in labels[index + 1 :] + tasks if overlaps(a, b)
    ]
    assert clashes == []
    # Conditions in words: the arrow's own task's fields by name, never raw JsonLogic.
    expect(box).to_contain_text("outcome equals 'changes_requested'")
    expect(box).to_contain_text("production_approved is true")
    assert "{" not in texts and "var" not in texts
    screenshot(page, "diagram-artwork-detail")
    assert page.console_errors == []


def test_artwork_diagram_in_the_editor_keeps_its_words_apart(page):
    creator, workflow = artwork_process()
    log_in(page, creator.email, TEST_PASSWORD)
    visit(page, f"/design/workflows/{workflow.pk}/")
    click_and_load(page.get_by_role("button", name="Edit as new draft"))
    expect(page.get_by_role("heading", name="Edit “Artwork approval with production gate”")).to_be_visible()
    box = drawn(page)
    found = box.evaluate(DIAGRAM_BOXES)
    labels = found["labels"]
    assert [(a["text"], b["text"]) for i, a in enumerate(labels) for b in labels[i + 1 :] if overlaps(a, b)] == []
    # Wider than the editor's column: it says so, and the mouse drags it sideways.
    expect(box.get_by_text("scroll or drag sideways")).to_be_visible()
    left = box.evaluate("(box) => box.scrollLeft")
    area = box.bounding_box()
    page.mouse.move(area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)
    page.mouse.down()
    page.mouse.move(area["x"] + area["width"] / 2 + 60, area["y"] + area["height"] / 2)
    page.mouse.up()
    assert box.evaluate("(box) => box.scrollLeft") == left - 60
    screenshot(page, "diagram-artwork-editor")
    assert page.console_errors == []


def test_diagram_text_is_shown_as_typed(page):
    company = CompanyFactory(name="Print Shop")
    creator = UserFactory(company=company, email="wes@print.example", roles=[SystemRole.WORKFLOW_CREATOR])
    workflow = services.workflow_create(company=company, actor=None, title="Quotes")
    title = 'Say "hi" <b>#1;</b> [x] (y) {z} | a&b 50%'
    services.task_create(actor=None, workflow=workflow, title=title, key="say-hi")
    log_in(page, creator.email, TEST_PASSWORD)
    visit(page, f"/design/workflows/{workflow.pk}/")
    box = drawn(page)
    expect(box.locator("g.node", has_text="Say")).to_have_text(title)
    assert page.console_errors == []


def test_on_a_phone_the_diagram_scrolls_at_a_legible_size(page):
    creator, workflow = artwork_process()
    log_in(page, creator.email, TEST_PASSWORD)
    page.set_viewport_size(PHONE)
    visit(page, f"/design/workflows/{workflow.pk}/")
    box = page.get_by_test_id("diagram")
    box.scroll_into_view_if_needed()
    drawn(page)

    sizes = box.evaluate(SHOWN_FONT_SIZES)
    assert sizes and min(sizes) >= 11, sizes
    assert box.evaluate("(box) => box.scrollWidth > box.clientWidth")  # the box scrolls sideways...
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # ...the page does not
    assert page.console_errors == []


def test_the_page_is_ready_before_mermaid_is_fetched(page):
    creator, workflow = artwork_process()
    log_in(page, creator.email, TEST_PASSWORD)
    page.add_init_script(
        """document.addEventListener("DOMContentLoaded", () => new MutationObserver((changes, observer) => {
          if (document.documentElement.dataset.ready) { window.readyAt = performance.now(); observer.disconnect(); }
        }).observe(document.documentElement, {attributes: true}));"""
    )
    visit(page, f"/design/workflows/{workflow.pk}/")
    drawn(page)
    fetched = page.evaluate(
        "performance.getEntriesByType('resource').find((entry) => entry.name.includes('/vendor/mermaid/')).startTime"
    )
    loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventStart")
    assert fetched >= page.evaluate("window.readyAt")
    assert fetched >= loaded


def test_editor_on_a_phone_fetches_mermaid_only_when_the_diagram_comes_into_view(page):
    """On a phone the editor's diagram sits below the tasks and arrows: the editor works and costs no Mermaid."""
    company = CompanyFactory(name="Print Shop")
    creator = UserFactory(company=company, email="wes@print.example", roles=[SystemRole.WORKFLOW_CREATOR])
    workflow = services.workflow_create(company=company, actor=None, title="Quotes")
    for number in range(1, 9):
        services.task_create(actor=None, workflow=workflow, title=f"Step {number}", key=f"step-{number}")
    log_in(page, creator.email, TEST_PASSWORD)
    requested = []
    page.on("request", lambda request: requested.append(request.url) if "/vendor/mermaid/" in request.url else None)
    page.set_viewport_size(PHONE)
    visit(page, f"/design/workflows/{workflow.pk}/edit/")

    page.get_by_role("link", name="Add task").click()
    form = swapped_in(page.get_by_test_id("task-form"))
    form.get_by_label("Title").fill("Pack the order")
    expect(form.get_by_label("Key", exact=True)).to_have_value("pack-the-order")  # designer.js is at work
    box = page.get_by_test_id("diagram")
    expect(box).to_contain_text("Drawing the diagram")
    assert requested == []

    box.scroll_into_view_if_needed()
    drawn(page)
    expect(box).to_contain_text("Step 8")
    assert len(requested) == 1
    assert page.console_errors == []
