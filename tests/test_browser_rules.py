"""Rules for the browser tests that need no browser to check."""

import re
from pathlib import Path

BROWSER_TESTS = Path(__file__).resolve().parent / "browser"

# Waiting for time is a guess that a loaded machine proves wrong; a bare goto skips the
# wait for the page's scripts (use visit() from tests/browser/conftest.py).
TIME_WAITS = re.compile(r"wait_for_timeout|\bsleep\(")
BARE_GOTO = re.compile(r"\.goto\(")


def waits_for_time_or_skips_ready(source: str, *, is_conftest: bool = False) -> list[str]:
    """Lines (as 'number: text') that wait for time, or navigate without waiting for the page."""
    problems = []
    for number, line in enumerate(source.splitlines(), start=1):
        code = line.split("#", 1)[0]
        if TIME_WAITS.search(code) or (BARE_GOTO.search(code) and not is_conftest):
            problems.append(f"{number}: {line.strip()}")
    return problems


def test_the_scan_catches_time_waits_and_bare_gotos():
    source = 'page.wait_for_timeout(500)\ntime.sleep(1)\npage.goto("/")\nvisit(page, "/")  # not page.goto("/")\n'
    assert waits_for_time_or_skips_ready(source) == [
        "1: page.wait_for_timeout(500)",
        "2: time.sleep(1)",
        '3: page.goto("/")',
    ]


def test_browser_tests_wait_for_the_page_never_for_time():
    problems = {
        path.name: found
        for path in sorted(BROWSER_TESTS.glob("*.py"))
        if (found := waits_for_time_or_skips_ready(path.read_text(), is_conftest=path.name == "conftest.py"))
    }
    assert problems == {}
