"""The labeling interface in a real browser (headless Chromium from Debian, Playwright from pip).

Opens a pushed task in the real Label Studio, checks that the source-path line is
grey and small (not like the authors line) and that no relation label is clipped
at the panel's edge, and saves a screenshot: in the test's temporary folder, or over the
committed tests/screenshots/labeling.png when ANNOTATE_UPDATE_SCREENSHOT=1 (so a test run
leaves the checkout clean). On the dev2 article with the most relations per character,
no relation tag covers a line of text (tests/screenshots/labeling_dense.png).
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
    page.wait_for_selector("svg text:text-is('supports')", state="attached", timeout=30_000)
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

    _hover_relation(page, 0)  # its tag is shown (see the dense-article test below)
    boxes = page.evaluate("""() => {
        const panel = document.querySelector('.lsf-main-view').getBoundingClientRect();
        const labels = [...document.querySelectorAll('svg text')].filter(t => t.textContent === 'supports')
            .map(t => t.parentNode.getBoundingClientRect()).filter(b => b.width > 1);
        return {panel: [panel.left, panel.right], labels: labels.map(b => [b.left, b.right])};
    }""")
    left, right = boxes["panel"]
    assert boxes["labels"], "no relation label drawn"
    for a, b in boxes["labels"]:
        assert left <= a and b <= right, f"relation label at {a:.0f}..{b:.0f} outside the panel {left:.0f}..{right:.0f}"


REPO = HERE.parents[1]

# Every visual line of the article's text (the rects of its text nodes), and the box of
# every relation tag ("supports" on its purple background) drawn over it.
_GEOMETRY = """() => {
    const root = document.querySelector('.lsf-richtext');
    const lines = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of range.getClientRects()) {
            if (r.width > 1 && r.height > 1) lines.push([r.left, r.top, r.right, r.bottom]);
        }
    }
    const tags = [...document.querySelectorAll('svg text')].filter(t => t.textContent === 'supports')
        .map(t => t.parentNode.getBoundingClientRect())
        .filter(b => b.width > 1)
        .map(b => [b.left, b.top, b.right, b.bottom]);
    const svg = document.querySelector('svg.relations-overlay');
    const visible = svg ? [...svg.querySelectorAll('g[visibility=visible]')].length : 0;
    return {lines, tags, visible};
}"""


def _hover_relation(page, n: int) -> None:
    """Point at the n-th relation in the side panel's Relations tab (Label Studio highlights it)."""
    page.get_by_text("Relations", exact=True).first.click()
    item = page.locator(".lsf-relations__item").nth(n)
    item.hover()
    page.wait_for_function("() => !!document.querySelector('.relations-overlay [class*=_highlighted]')")
    page.wait_for_timeout(400)  # Label Studio fades the others in 0.3 s


def _overlap(a, b, slack=0.5) -> bool:
    return a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]


def densest_dev2_task(nlp) -> dict:
    """The dev2 article with the most predicted relations per character (p01 at the time of
    writing): where tags crowd the most."""
    from annotate.prelabel import prelabel

    tasks = list(prelabel([REPO / "corpus" / "dev2"], nlp, on_error=lambda p, r: pytest.fail(f"{p}: {r}")))

    def density(task):
        n = sum(1 for x in task["predictions"][0]["result"] if x["type"] == "relation")
        return n / len(task["data"]["text"])

    return max(tasks, key=density)


def _login(page, studio) -> None:
    creds = json.loads(studio.admin_file.read_text(encoding="utf-8"))
    page.goto(f"{studio.url}/user/login/")
    page.fill("input[name=email]", creds["username"])
    page.fill("input[name=password]", creds["password"])
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")


def test_no_relation_tag_covers_text_in_the_densest_article(studio, conn, title, browser, nlp, tmp_path):
    task = densest_dev2_task(nlp)
    n_relations = sum(1 for x in task["predictions"][0]["result"] if x["type"] == "relation")
    assert n_relations >= 10
    result = push_tasks(conn, title, [task])
    body = conn.request("listing tasks", "GET", "api/tasks/", params={"project": result.project.id, "include": "id"})
    task_id = body["tasks"][0]["id"]

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    _login(page, studio)
    page.goto(f"{studio.url}/projects/{result.project.id}/data?task={task_id}")
    page.wait_for_selector(".lsf-richtext__line", timeout=60_000)
    page.wait_for_selector("svg text:text-is('supports')", state="attached", timeout=30_000)
    page.wait_for_timeout(1000)  # the relation arrows are laid out after the text
    shot = (SCREENSHOT.with_name("labeling_dense.png") if os.environ.get("ANNOTATE_UPDATE_SCREENSHOT") == "1"
            else tmp_path / "labeling_dense.png")
    page.screenshot(path=str(shot), full_page=True)

    geometry = page.evaluate(_GEOMETRY)
    assert len(geometry["lines"]) > 40, "the article's text lines were not found"
    assert geometry["visible"] == n_relations  # every relation is drawn …
    covered = [(tag, line) for tag in geometry["tags"] for line in geometry["lines"] if _overlap(tag, line)]
    assert not covered, (f"{len(covered)} relation tags cover text, e.g. tag {covered[0][0]} over line "
                         f"{covered[0][1]} (screenshot: {shot})")
    # … and a relation pointed at in the Relations panel shows its tag
    _hover_relation(page, 0)
    assert len(page.evaluate(_GEOMETRY)["tags"]) == 1
