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
something). Without chromium it says it skipped and exits 0.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def find_chromium():
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("review browser test: %s failed (%d):\n%s" % (" ".join(cmd), r.returncode, r.stderr))
    return r


def dump_dom(chromium, page, profile):
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=10000",
           "--dump-dom", "file://" + os.path.abspath(page)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired:
        sys.exit("review browser test: chromium timed out on " + page)
    if r.returncode != 0 or "<html" not in r.stdout:
        sys.exit("review browser test: chromium failed (%d) on %s:\n%s" % (r.returncode, page, r.stderr[-3000:]))
    return r.stdout


def verdict(dom):
    start = dom.find("<title>")
    end = dom.find("</title>", start)
    return dom[start + 7:end] if start >= 0 and end > start else "(no title)"


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


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    related = os.path.abspath(sys.argv[1])
    chromium = find_chromium()
    if not chromium:
        print("review browser test: skipped (chromium not installed)")
        return 0
    tmp = tempfile.mkdtemp(prefix="related-review-")
    failures = []
    try:
        model = os.path.join(tmp, "corpus.model")
        out = os.path.join(tmp, "out")
        run([related, "build", os.path.join(ROOT, "corpus"), "-m", model, "-q"])
        run([related, "recommend", "-m", model, "-o", out, "-q"])
        lists = os.path.join(out, "related.jsonl")
        n_corpus = sum(1 for l in open(lists, encoding="utf-8") if l.strip())
        hostile = os.path.join(tmp, "hostile.jsonl")
        n_hostile = hostile_lines(lists, hostile)

        cases = []
        page = os.path.join(tmp, "review.html")
        run([related, "review", "-m", model, lists, "-o", page, "--self-test", "-q"])
        cases.append(("corpus", page, "SELFTEST PASS (%d stories)" % n_corpus))

        page = os.path.join(tmp, "hostile.html")
        run([related, "review", "-m", model, hostile, "-o", page, "--self-test", "--page-size", "7"])
        cases.append(("hostile", page, "SELFTEST PASS (%d stories)" % n_hostile))

        # a broken page must fail: the pin line names the wrong key
        broken = os.path.join(tmp, "broken.html")
        text = open(os.path.join(tmp, "review.html"), encoding="utf-8").read()
        assert "'{\"story\": '" in text, "override template not found in the page"
        with open(broken, "w", encoding="utf-8") as f:
            f.write(text.replace("'{\"story\": '", "'{\"stroy\": '", 1))
        cases.append(("broken", broken, "SELFTEST FAIL"))

        for name, page, want in cases:
            dom = dump_dom(chromium, page, os.path.join(tmp, "profile-" + name))
            got = verdict(dom)
            ok = got.startswith(want) and (want != "SELFTEST PASS" or 'id="selftest"' in dom)
            if ok and want.startswith("SELFTEST PASS") and "data-story-id=" not in dom:
                ok, got = False, got + " (no data-story-id in the DOM)"
            print("review browser test: %-8s %s" % (name, got))
            if not ok:
                failures.append("%s: expected %r, got %r" % (name, want, got))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("review browser test: FAILED\n  " + "\n  ".join(failures))
        return 1
    print("review browser test: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
