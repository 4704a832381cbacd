#!/usr/bin/env python3
"""The editors' review page in a real browser (headless Chromium).

Usage: tests/review_browser.py ./related

Builds a model of corpus/, ranks it, writes the review page with
`related review --self-test` and loads it in `chromium --headless --dump-dom`.
The self-test script in the page (src/review.c) records errors from the
moment the page starts, pages through every story, searches, clicks "pin"
and "block", and writes "SELFTEST PASS" or "SELFTEST FAIL: reason" into the
title; this script asserts on the dumped DOM. Three pages are checked: the
corpus as is; the corpus with hostile titles, ids and URLs, near-duplicates
and a story unknown to the model, 7 stories per page; and a page whose
override lines were deliberately broken, which must FAIL (so a PASS means
something). Each verdict must also be the text of the page's
<pre id="selftest">. Without chromium it says it skipped and exits 0, except
under CI=true, where a missing chromium fails the test (scripts/install-deps
installs it).
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from harness import CORPUS, binary, check, finish, skip
import harness


class Broken(Exception):
    """A step before the browser failed."""


def find_chromium():
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def run(cmd):
    r = harness.run(cmd)
    if r.returncode != 0:
        raise Broken("%s failed (%d):\n%s" % (" ".join(cmd), r.returncode, r.stderr))
    return r


def dump_dom(chromium, page, profile):
    """The page's DOM after its scripts ran, or None with the reason."""
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
           "--virtual-time-budget=10000", "--dump-dom", "file://" + os.path.abspath(page)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=180,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, "chromium timed out on " + page
    if r.returncode != 0 or "<html" not in r.stdout:
        return None, "chromium failed (%d) on %s:\n%s" % (r.returncode, page, r.stderr[-3000:])
    return r.stdout, ""


def verdict(dom):
    start = dom.find("<title>")
    end = dom.find("</title>", start)
    return html.unescape(dom[start + 7:end]) if start >= 0 and end > start else "(no title)"


def selftest_text(dom):
    """The text of <pre id="selftest">, where the self-test writes its verdict
    too, or None when the page has none."""
    m = re.search(r'<pre id="selftest"[^>]*>(.*?)</pre>', dom, re.S)
    return html.unescape(m.group(1)) if m else None


def hostile_lines(path, out):
    """The corpus lists with hostile strings, near-duplicates and a story the
    model does not know."""
    lines = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    evil = '</script><script>window.reviewInjected=1</script><img src=x onerror="window.reviewInjected=2"><!--<script>'
    lines[0]["source"]["title"] = evil
    lines[0]["source"]["url"] = "javascript:window.reviewInjected=3"
    if lines[0]["items"]:
        lines[0]["items"][0]["title"] = "<b>bold</b> & \"quoted\" 'single' \u2028 line"
    lines[1]["duplicates"] = [lines[2]["source"]["id"], {"id": "elsewhere/copy<1>", "title": evil}]
    lines.append({"source": {"id": 'new/"quoted"</script>', "title": "Not in the model " + evil,
                             "url": "https://example.com/new"},
                  "items": [dict(lines[0]["items"][0], rank=1, origin="pinned")] if lines[0]["items"] else [],
                  "duplicates": []})
    with open(out, "w", encoding="utf-8") as f:
        for l in lines:
            f.write(json.dumps(l, ensure_ascii=False) + "\n")
    return len(lines)


def cases(related, tmp):
    """The three pages to load: (name, page, the verdict it must start with)."""
    model = os.path.join(tmp, "corpus.model")
    out = os.path.join(tmp, "out")
    run([related, "build", CORPUS, "-m", model, "-q"])
    run([related, "recommend", "-m", model, "-o", out, "-q"])
    lists = os.path.join(out, "related.jsonl")
    n_corpus = sum(1 for l in open(lists, encoding="utf-8") if l.strip())
    hostile = os.path.join(tmp, "hostile.jsonl")
    n_hostile = hostile_lines(lists, hostile)

    found = []
    page = os.path.join(tmp, "review.html")
    run([related, "review", "-m", model, lists, "-o", page, "--self-test", "-q"])
    found.append(("corpus", page, "SELFTEST PASS (%d stories)" % n_corpus))

    page = os.path.join(tmp, "hostile.html")
    run([related, "review", "-m", model, hostile, "-o", page, "--self-test", "--page-size", "7"])
    found.append(("hostile", page, "SELFTEST PASS (%d stories)" % n_hostile))

    # a broken page must fail: the pin line names the wrong key
    broken = os.path.join(tmp, "broken.html")
    text = open(os.path.join(tmp, "review.html"), encoding="utf-8").read()
    if "'{\"story\": '" not in text:
        raise Broken("override template not found in the page")
    with open(broken, "w", encoding="utf-8") as f:
        f.write(text.replace("'{\"story\": '", "'{\"stroy\": '", 1))
    found.append(("broken", broken, "SELFTEST FAIL"))
    return found


def check_page(chromium, tmp, name, page, want):
    dom, why = dump_dom(chromium, page, os.path.join(tmp, "profile-" + name))
    if dom is None:
        check("%s page: %s" % (name, want), False, why)
        return
    got = verdict(dom)
    check("%s page: title is %r" % (name, want), got.startswith(want), "got %r" % got)
    pre = selftest_text(dom)
    check("%s page: <pre id=\"selftest\"> says the same" % name, pre == got,
          "got %r" % pre)
    if want.startswith("SELFTEST PASS"):
        check("%s page: stories in the DOM (data-story-id)" % name, "data-story-id=" in dom)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    related = binary()
    if not os.path.exists(related):
        print("review-browser: %s not built" % related, file=sys.stderr)
        return 1
    chromium = find_chromium()
    if not chromium:
        if os.environ.get("CI") == "true":
            check("chromium is installed (CI=true; scripts/install-deps installs it)", False)
        else:
            skip("review page in a browser", "chromium not installed")
            print("review-browser: skipped (chromium not installed)")
            return 0
        return finish("review-browser")
    tmp = tempfile.mkdtemp(prefix="related-review-")
    try:
        for name, page, want in cases(related, tmp):
            check_page(chromium, tmp, name, page, want)
    except Broken as e:
        check("pages written", False, str(e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return finish("review-browser")


if __name__ == "__main__":
    sys.exit(main())
