"""The labeling interface in a real browser (headless Chromium from Debian, Playwright from pip).

Opens a pushed task in the real Label Studio, checks that the source-path line is
grey and small (not like the authors line) and that no relation label is clipped
at the panel's edge, and saves a screenshot: in the test's temporary folder, or over the
committed tests/screenshots/labeling.png when ANNOTATE_UPDATE_SCREENSHOT=1 (so a test run
leaves the checkout clean).
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from annotate.labelstudio.push import push_tasks

from studio_helpers import HERE

CHROMIUM = os.environ.get("ANNOTATE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOT = HERE.parent / "screenshots" / "labeling.png"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail("the browser test needs playwright (pip) and chromium (apt); make test installs them")
        pytest.skip("no playwright or no chromium (apt-get install chromium fonts-noto-cjk)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def test_labeling_interface(studio, conn, title, tasks, browser, tmp_path):
    result = push_tasks(conn, title, tasks[:1])
    body = conn.request("listing tasks", "GET", "api/tasks/",
                        params={"project": result.project.id, "include": "id"})
    task_id = body["tasks"][0]["id"]
    creds = json.loads(studio.admin_file.read_text(encoding="utf-8"))

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{studio.url}/user/login/")
    page.fill("input[name=email]", creds["username"])
    page.fill("input[name=password]", creds["password"])
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{studio.url}/projects/{result.project.id}/data?task={task_id}")
    page.wait_for_selector(".lsf-richtext__line", timeout=60_000)
    page.wait_for_selector("svg text:text-is('supports')", timeout=30_000)
    page.wait_for_timeout(1000)  # the relation arrows are laid out after the text
    shot = SCREENSHOT if os.environ.get("ANNOTATE_UPDATE_SCREENSHOT") == "1" else tmp_path / "labeling.png"
    shot.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000  # a real page, not a blank one

    data = tasks[0]["data"]
    styles = page.evaluate("""([authors, path]) => {
        const find = t => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].find(e => e.textContent === t);
        const css = e => { const s = getComputedStyle(e); return {color: s.color, size: parseFloat(s.fontSize),
                                                                  weight: parseInt(s.fontWeight)}; };
        return {authors: css(find(authors)), path: css(find(path))};
    }""", [data["authors"], data["path"]])
    assert styles["path"]["color"] == "rgb(136, 136, 136)"
    assert styles["path"]["size"] < styles["authors"]["size"]
    assert styles["path"]["weight"] < styles["authors"]["weight"]

    boxes = page.evaluate("""() => {
        const panel = document.querySelector('.lsf-main-view').getBoundingClientRect();
        const labels = [...document.querySelectorAll('svg text')].filter(t => t.textContent === 'supports')
            .map(t => t.parentNode.getBoundingClientRect());
        return {panel: [panel.left, panel.right], labels: labels.map(b => [b.left, b.right])};
    }""")
    left, right = boxes["panel"]
    assert boxes["labels"], "no relation label drawn"
    for a, b in boxes["labels"]:
        assert left <= a and b <= right, f"relation label at {a:.0f}..{b:.0f} outside the panel {left:.0f}..{right:.0f}"
