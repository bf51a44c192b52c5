"""Rules for the browser tests that need no browser to check."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROWSER_TESTS = ROOT / "tests" / "browser"

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


def collected(*args: str) -> set[str]:
    """The test ids a fresh pytest collects from the browser tests' folder and its neighbours (a conftest's
    collection hook sees the whole session, so it has to be tried on more than its own folder)."""
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "tests", "users"]
    result = subprocess.run([*command, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode in (0, 5), result.stdout + result.stderr  # 5: nothing selected
    return {line for line in result.stdout.splitlines() if "::" in line}


def test_the_browser_marker_selects_exactly_the_browser_tests():
    everything = collected()
    browser = {test for test in everything if test.startswith("tests/browser/")}
    assert browser, "no browser tests collected"
    assert everything - browser, "no other tests collected"

    assert collected("-m", "browser") == browser
    assert collected("-m", "not browser") == everything - browser
