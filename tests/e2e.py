#!/usr/bin/env python3
"""End-to-end tests of the `related` binary on the sample corpus and on generated inputs.

Every test runs the real binary as a subprocess on real files and checks its output.
Prints one line per test and a closing "N passed, N failed" line; exits 1 on any failure.
"""
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile

from harness import CORPUS, FIXTURES, ROOT, TempDir as Tmp, binary, finish, run_tests, test
import harness

BIN = binary()
STORIES = os.path.join(ROOT, "scripts", "corpus", "stories")
# the story text of corpus/column1/2017/04/putin-might-avoid-meeting-with-tillerson.html
SEED = os.path.join(FIXTURES, "putin-might-avoid-meeting-with-tillerson.txt")


def run(*args, check=True, **kw):
    return harness.run([BIN, *args], check=check, **kw)


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def labels():
    return {r["id"]: r["label"] for r in read_jsonl(os.path.join(CORPUS, "labels.jsonl"))}


_corpus_run = {}


def corpus_run(jobs="2"):
    """related run corpus -o TMP, once per thread count; returns the parsed lines."""
    if jobs not in _corpus_run:
        out = tempfile.mkdtemp(prefix="related-e2e-run-")
        run("run", CORPUS, "-o", out, "-j", jobs, "-q")
        with open(os.path.join(out, "related.jsonl"), encoding="utf-8") as f:
            raw = f.read()
        report = json.load(open(os.path.join(out, "report.json"), encoding="utf-8"))
        shutil.rmtree(out)
        _corpus_run[jobs] = (raw, [json.loads(l) for l in raw.splitlines()], report)
    return _corpus_run[jobs]


_extracted = None


def extracted():
    global _extracted
    if _extracted is None:
        p = run("extract", CORPUS, "-q")
        _extracted = {r["id"]: r for r in (json.loads(l) for l in p.stdout.splitlines())}
    return _extracted


@test
def test_help_and_version():
    assert run("--version").stdout.startswith("related ")
    for cmd in ("run", "extract", "build", "recommend"):
        out = run(cmd, "--help").stdout
        assert out.startswith("Usage: related " + cmd), out
    assert run("--help").stdout.startswith("Usage: related")
    assert run("frobnicate", check=False).returncode == 2
    assert run("run", CORPUS, check=False).returncode == 2  # no -o
    assert run("run", CORPUS, "-o", "/tmp/x", "-n", "zero", check=False).returncode == 2


@test
def test_unknown_option_or_missing_argument_is_a_usage_error():
    commands = ("run", "extract", "build", "recommend", "eval", "review", "query",
                "explain", "count", "merge", "concat")
    for cmd in commands:
        for args in (["--no-such-option"], ["--top"], ["-o"], ["--keep"]):
            p = run(cmd, *args, check=False)
            assert p.returncode == 2 and p.stderr, (cmd, args, p.returncode, p.stderr)
            # the message names the program, getopt's too
            assert p.stderr.startswith("related"), (cmd, args, p.stderr)


@test
def test_exit_statuses_in_help_are_the_common_ones():
    # 1 means "written, some inputs skipped" for every command; out of memory is 5
    for cmd, statuses in (("eval", ("2 usage error", "3 an input file missing", "5 out of memory")),
                          ("review", ("2 usage error", "4 the page could not be written",
                                      "5 out of memory"))):
        text = " ".join(run(cmd, "--help").stdout.split())
        for s in statuses:
            assert s in text, (cmd, s)
        assert "1 out of memory" not in text, cmd
        p = run(cmd, "--no-such-option", check=False)
        assert p.returncode == 2, (cmd, p.returncode)


@test
def test_corpus_is_the_promised_size():
    lab = labels()
    stories = {}
    for i, l in lab.items():
        stories.setdefault(l, []).append(i)
    assert len(lab) >= 60, len(lab)
    assert len(stories) >= 12, len(stories)
    assert all(4 <= len(v) <= 8 for v in stories.values()), {k: len(v) for k, v in stories.items()}
    langs = {r["lang"] for r in extracted().values()}
    assert {"en", "ru"} <= langs and ({"de", "fr"} & langs), langs


@test
def test_run_writes_one_line_per_page_with_schema():
    raw, lines, report = corpus_run()
    lab = labels()
    assert sorted(l["source"]["id"] for l in lines) == sorted(lab), "ids differ from labels.jsonl"
    for l in lines:
        assert l["schema_version"] == 1
        assert set(l["source"]) == {"id", "url", "title", "published", "lang"}
        assert l["source"]["url"].startswith("https://"), l["source"]
        assert l["source"]["published"] and "T" in l["source"]["published"]
        assert 1 <= len(l["items"]) <= 10
        scores = [it["score"] for it in l["items"]]
        assert scores == sorted(scores, reverse=True)
        for k, it in enumerate(l["items"], 1):
            assert it["rank"] == k and it["origin"] == "similar"
            assert it["id"] != l["source"]["id"]
            assert set(it) == {"rank", "id", "url", "title", "published", "section", "image",
                               "excerpt", "score", "origin"}
            # as extract finds them on the item's page (not every page has an image)
            page = extracted()[it["id"]]
            assert (it["image"], it["section"]) == (page["image"], page["section"]), it
            assert 0 < len(it["excerpt"].encode()) <= 200, it
            assert page["text"].startswith(it["excerpt"].rstrip("\u2026")), it
    assert report["counts"]["stories"] == len(lab)
    assert report["counts"]["skipped"] == 0, report["skipped"]
    assert "extract" in report["timings_seconds"] and "rank" in report["timings_seconds"]


def _title_words(t):
    import re, unicodedata
    t = unicodedata.normalize("NFKD", t or "").casefold()
    return frozenset(w for w in re.findall(r"\w+", "".join(c for c in t if not unicodedata.combining(c))))


@test
def test_default_lists_stop_where_relatedness_stops():
    _, lines, report = corpus_run()
    lab = labels()
    counts = report["counts"]
    assert {"shortened_lists", "twins_dropped", "empty_lists"} <= set(counts), counts
    ranking = report["ranking"]  # how many stories a near-duplicate's candidates served
    assert all(isinstance(ranking[k], int) and 0 <= ranking[k] <= len(lines)
               for k in ("ranked_from_twin_pool", "twin_pool_not_proved")), ranking
    # the cutoff the lists were cut at, which the review page reads to mark items near it
    assert report["options"]["cutoff"] == 0.4, report["options"]
    short = 0
    for l in lines:
        items = l["items"]
        short += len(items) < 10
        titles = [_title_words(i["title"]) for i in items]
        assert _title_words(l["source"]["title"]) not in titles, l["source"]["id"]
        assert len(set(titles)) == len(titles), l["source"]["id"]
        # every corpus story has 4 to 7 siblings and nothing else related
        assert all(lab[i["id"]] == lab[l["source"]["id"]] for i in items), l["source"]["id"]
        # an item scores its own probability; a group may carry one below
        # the cutoff (policy.h), never a list whose best is below it
        assert all(0 < i["score"] <= 1 for i in items), items
        assert not items or items[0]["score"] >= 0.4, items
    assert short == counts["shortened_lists"] + counts["empty_lists"] > 0, (short, counts)
    with Tmp() as t:
        run("run", CORPUS, "-o", t, "-q", "--no-cutoff")
        full = read_jsonl(os.path.join(t, "related.jsonl"))
        # up to 10: the corpus has 10 stories in German and in French
        assert all(len(f["items"]) == 10 or f["source"]["lang"] in ("de", "fr") for f in full)
        rep = json.load(open(os.path.join(t, "report.json")))
        assert rep["counts"]["shortened_lists"] == 0 and rep["options"]["cutoff"] is None, rep
        run("run", CORPUS, "-o", t, "-q", "--fill", "10")
        filled = read_jsonl(os.path.join(t, "related.jsonl"))
        for a, b in zip(lines, filled):
            n = len(a["items"])
            assert [i["id"] for i in b["items"][:n]] == [i["id"] for i in a["items"]], a["source"]["id"]
            # each corpus section holds one story's pages: nothing else to fill with
            assert all(i["origin"] == "fallback" for i in b["items"][n:])
            ids = [i["id"] for i in b["items"]]
            assert len(set(ids)) == len(ids) and a["source"]["id"] not in ids
        for bad in ("0", "1", "x"):
            assert run("run", CORPUS, "-o", t, "-q", "--cutoff", bad, check=False).returncode == 2, bad


@test
def test_scores_have_four_decimals():
    raw, _, _ = corpus_run()
    import re
    scores = re.findall(r'"score":([0-9.]+)', raw)
    assert scores and all(re.fullmatch(r"[01]\.\d{4}", s) for s in scores), scores[:5]


@test
def test_top3_from_own_story_for_90_percent():
    _, lines, _ = corpus_run()
    lab = labels()
    good = sum(all(lab[it["id"]] == lab[l["source"]["id"]] for it in l["items"][:3]) for l in lines)
    assert good >= 0.9 * len(lines), f"{good}/{len(lines)} pages have their top 3 from their own story"


@test
def test_output_identical_for_any_thread_count():
    strip = lambda raw: "\n".join(json.dumps({**json.loads(l), "generated_at": None}) for l in raw.splitlines())
    assert strip(corpus_run("1")[0]) == strip(corpus_run("2")[0]) == strip(corpus_run("4")[0])


@test
def test_build_then_recommend_equals_run():
    with Tmp() as t:
        model = os.path.join(t, "m.model")
        run("build", CORPUS, "-m", model, "-q")
        assert os.path.getsize(model) > 0
        run("recommend", "-m", model, "-o", os.path.join(t, "out"), "-q")
        got = read_jsonl(os.path.join(t, "out", "related.jsonl"))
        want = corpus_run()[1]
        assert [g["items"] for g in got] == [w["items"] for w in want]
        assert [g["source"] for g in got] == [w["source"] for w in want]


@test
def test_options_a_command_cannot_use_are_named_in_a_warning():
    # one option set for run, build and recommend: what a command cannot use
    # is named, and the output is the same as without it
    with Tmp() as t:
        model = os.path.join(t, "m.model")
        p = run("build", CORPUS, "-m", model, "-q", "--top", "3", "--max-age", "2", "--explain")
        for opt in ("--top", "--max-age", "--explain"):
            assert f"warning: {opt} has no effect with build" in p.stderr, (opt, p.stderr)
        p = run("recommend", "-m", model, "-o", os.path.join(t, "a"), "-q", "--dims", "50",
                "--no-stem", "--keep-boilerplate")
        for opt in ("--dims", "--no-stem", "--keep-boilerplate"):
            assert f"warning: {opt} has no effect with recommend" in p.stderr, (opt, p.stderr)
        got = read_jsonl(os.path.join(t, "a", "related.jsonl"))
        assert [g["items"] for g in got] == [w["items"] for w in corpus_run()[1]]
        # options a command uses give no warning
        p = run("recommend", "-m", model, "-o", os.path.join(t, "b"), "-q", "--top", "3", "--semantic", "0.3")
        assert "warning" not in p.stderr, p.stderr
        p = run("run", CORPUS, "-o", os.path.join(t, "c"), "-q", "--dims", "50", "--top", "3", "--strict")
        assert "warning" not in p.stderr, p.stderr


@test
def test_build_makes_the_model_folder_or_fails_before_the_build():
    with Tmp() as t:
        # the default models/related.model, from a folder without models/
        run("build", CORPUS, "-q", cwd=t)
        assert os.path.getsize(os.path.join(t, "models", "related.model")) > 0
        run("run", CORPUS, "-o", os.path.join(t, "o"), "-m", os.path.join(t, "a", "b", "m.model"), "-q")
        assert os.path.getsize(os.path.join(t, "a", "b", "m.model")) > 0
        open(os.path.join(t, "file"), "w").close()
        p = run("build", CORPUS, "-m", os.path.join(t, "file", "m.model"), check=False)
        assert p.returncode == 4 and "cannot create folder" in p.stderr, (p.returncode, p.stderr)
        assert "extracting" not in p.stderr, p.stderr


@test
def test_build_semantic_0_saves_a_tfidf_model_as_its_help_says():
    assert "--semantic 0" in run("build", "--help").stdout
    strip = lambda path: [{**l, "generated_at": None} for l in read_jsonl(path)]
    with Tmp() as t:
        model = os.path.join(t, "m.model")
        run("build", CORPUS, "--semantic", "0", "-m", model, "-q")
        run("recommend", "-m", model, "-o", os.path.join(t, "rec"), "-q")
        run("run", CORPUS, "--semantic", "0", "-o", os.path.join(t, "run"), "-q")
        assert strip(os.path.join(t, "rec", "related.jsonl")) == strip(os.path.join(t, "run", "related.jsonl"))


@test
def test_seed_page_extracts_to_story_paragraphs_only():
    seed = open(SEED, encoding="utf-8").read()
    ex = extracted()
    page = [r for r in ex.values() if r["title"] == "Putin Might Avoid Meeting With Tillerson"]
    assert len(page) == 1, [r["title"] for r in ex.values()][:5]
    text = page[0]["text"]
    body = seed.split("Putin And Tillerson in 2012", 1)[1].split("Related articles", 1)[0]
    paras = [p.strip() for p in body.split("\n") if p.strip()]
    assert len(paras) >= 6
    for p in paras:
        assert p in text, f"missing paragraph: {p[:60]}"
    for chrome in ("Related articles", "Tsarizm Staff", "Russian Military Reforms",
                   "Kazakhstan", "Subscribe to our evening newsletter", "Mariam Gogolishvili"):
        assert chrome not in text, f"chrome leaked into text: {chrome}"
    assert page[0]["title"] == "Putin Might Avoid Meeting With Tillerson"
    assert not page[0]["title"].endswith("News")


@test
def test_windows_1251_pages_come_out_as_russian():
    ex = extracted()
    cp = [r for r in ex.values() if r["charset"] == "windows-1251"]
    assert len(cp) >= 4, "expected several windows-1251 pages"
    paras = {}
    for fn in os.listdir(STORIES):
        s = json.load(open(os.path.join(STORIES, fn), encoding="utf-8"))
        for a in s["articles"]:
            paras[a["title"]] = a["paragraphs"]
    for r in cp:
        assert r["lang"] == "ru", r["id"]
        want = paras.get(r["title"])
        assert want, f"title not decoded correctly: {r['title']!r}"
        for p in want:
            assert " ".join(p.split()) in r["text"], f"{r['id']}: paragraph missing or garbled"


@test
def test_all_corpus_pages_keep_article_text_and_drop_chrome():
    ex = extracted()
    arts = {}
    for fn in os.listdir(STORIES):
        s = json.load(open(os.path.join(STORIES, fn), encoding="utf-8"))
        for a in s["articles"]:
            arts[a["title"]] = a
    for r in ex.values():
        a = arts[r["title"]]
        for p in a["paragraphs"]:
            assert " ".join(p.split()) in r["text"], f"{r['id']}: missing paragraph {p[:50]!r}"
        for who, c in a.get("comments", []):
            assert c not in r["text"], f"{r['id']}: comment leaked"


@test
def test_extract_text_with_parts_where_the_page_shows_them():
    body = ("<p>Secretary of State Rex Tillerson arrived in Moscow on Tuesday, carrying a message "
            "from Washington that was blunter than any in years.</p>"
            "<figure><img src=a.jpg><figcaption>Tillerson at the Kremlin. (Photo: AP)</figcaption>"
            "</figure><p>The talks with Foreign Minister Sergei Lavrov, which lasted several hours, "
            "ended without agreement on Syria, though both sides kept channels open.</p>"
            "<p>Officials said a working group would be set up to examine the state of relations "
            "and report back within weeks.</p>")
    page = ("<html><head><title>Tillerson in Moscow</title></head><body><article>"
            "<h1>Tillerson in Moscow</h1><p>By Ann Lee</p><div class=story-body>" + body +
            "</div></article></body></html>")
    with Tmp() as t:
        path = os.path.join(t, "story.html")
        with open(path, "w", encoding="utf-8") as f:
            f.write(page)
        plain = run("extract", path, "--format", "text", "-q").stdout
        shown = run("extract", path, "--format", "text", "--with-parts", "-q").stdout
    assert "Kremlin" not in plain and "Ann Lee" not in plain, plain
    order = [shown.find(w) for w in ("By Ann Lee", "arrived in Moscow", "at the Kremlin",
                                     "The talks with", "within weeks")]
    assert -1 not in order and order == sorted(order), shown


@test
def test_jsonl_articles_input():
    with Tmp() as t:
        src = os.path.join(t, "articles.jsonl")
        ex = extracted()
        with open(src, "w", encoding="utf-8") as f:
            for r in ex.values():
                f.write(json.dumps({"id": "cms-" + r["id"], "title": r["title"], "text": r["text"],
                                    "lang": r["lang"]}) + "\n")
            f.write("{not json\n")
        p = run("run", src, "-o", os.path.join(t, "o"), "-q", check=False)
        assert p.returncode == 1, p.returncode  # written, with a skipped input
        lines = read_jsonl(os.path.join(t, "o", "related.jsonl"))
        assert len(lines) == len(ex)
        rep = json.load(open(os.path.join(t, "o", "report.json")))
        assert rep["counts"]["skipped"] == 1 and rep["skipped"][0]["input"].endswith(":%d" % (len(ex) + 1))


@test
def test_manifest_with_gzip_pages():
    with Tmp() as t:
        ids = sorted(labels())[:6]
        with open(os.path.join(t, "manifest.jsonl"), "w") as f:
            for i, pid in enumerate(ids):
                raw = open(os.path.join(CORPUS, pid + ".html"), "rb").read()
                name = f"p{i}.html.gz"
                with gzip.open(os.path.join(t, name), "wb") as g:
                    g.write(raw)
                f.write(json.dumps({"id": pid, "path": name, "url": "https://example.org/" + pid}) + "\n")
        p = run("extract", os.path.join(t, "manifest.jsonl"))
        rows = [json.loads(l) for l in p.stdout.splitlines()]
        assert [r["id"] for r in rows] == ids
        assert all(r["url"].startswith("https://example.org/") for r in rows)
        assert all(len(r["text"]) > 500 for r in rows)


@test
def test_bad_inputs_are_skipped_with_reasons():
    with Tmp() as t:
        d = os.path.join(t, "in")
        shutil.copytree(CORPUS, d)
        open(os.path.join(d, "empty.html"), "w").close()
        with open(os.path.join(d, "binary.html"), "wb") as f:
            f.write(bytes(range(256)) * 64)
        with open(os.path.join(d, "broken.html.gz"), "wb") as f:
            f.write(b"\x1f\x8b\x08\x00garbage")
        os.mkdir(os.path.join(d, "folder.html"))
        p = run("run", d, "-o", os.path.join(t, "o"), check=False)
        assert p.returncode == 1, p.stderr  # output written, inputs skipped
        rep = json.load(open(os.path.join(t, "o", "report.json")))
        skipped = {os.path.basename(s["input"]): s["reason"] for s in rep["skipped"]}
        assert "empty.html" in skipped and "broken.html.gz" in skipped, skipped
        assert "gzip" in skipped["broken.html.gz"]
        assert len(read_jsonl(os.path.join(t, "o", "related.jsonl"))) >= len(labels())
        assert "broken.html.gz" in p.stderr


@test
def test_missing_input_fails_clearly():
    p = run("run", "/nonexistent/folder", "-o", "/tmp/unused", check=False)
    assert p.returncode == 3 and "/nonexistent/folder" in p.stderr


@test
def test_output_replaced_atomically_and_no_temporaries():
    with Tmp() as t:
        out = os.path.join(t, "o")
        run("run", CORPUS, "-o", out, "-q")
        run("run", CORPUS, "-o", out, "-q")
        names = sorted(n for n in os.listdir(out) if n != ".lock")
        assert names == ["related.jsonl", "report.json"], names


@test
def test_eval_scores_corpus_lists_against_labels_and_itself():
    with Tmp() as t:
        # full lists (P@5 needs five items)
        run("run", CORPUS, "-o", t, "-q", "--no-cutoff")
        lists = os.path.join(t, "related.jsonl")
        p = run("eval", "--labels", os.path.join(CORPUS, "labels.jsonl"), lists, "--json")
        res = json.loads(p.stdout)
        for k in ("P@5", "P@10", "R@5", "R@10", "MAP@5", "MAP@10", "nDCG@5", "nDCG@10"):
            m = res[k]
            assert 0 <= m["ci_low"] <= m["value"] <= m["ci_high"] <= 1, (k, m)
        # Every corpus story has 4 others, so 0.8 is the best P@5 there is.
        assert res["P@5"]["value"] >= 0.8 - 1e-9 and res["MAP@10"]["value"] > 0.8, res
        assert res["queries"] == len(labels()), res
        assert run("eval", "--labels", os.path.join(CORPUS, "labels.jsonl"), lists, "--json").stdout == p.stdout
        same = json.loads(run("eval", "--against", lists, lists, "--json").stdout)
        assert same["recall@5"]["value"] == 1.0 and same["recall@10"]["value"] == 1.0, same
        bad = run("eval", "--labels", os.path.join(t, "missing.jsonl"), lists, check=False)
        assert bad.returncode == 3 and "missing.jsonl" in bad.stderr, bad.stderr


_big = None


def big_input():
    """A JSON Lines file of 40,000 generated articles, so that a run lasts long
    enough to be interrupted (about two seconds here)."""
    global _big
    if _big is None:
        import random
        rng = random.Random(7)
        vocab = ["w%05d" % i for i in range(20000)]
        d = tempfile.mkdtemp(prefix="related-e2e-big-")
        _big = os.path.join(d, "big.jsonl")
        with open(_big, "w") as f:
            for i in range(40000):
                topic = rng.randrange(400)
                words = [vocab[(topic * 37 + int(rng.paretovariate(1.2))) % 20000] for _ in range(120)]
                f.write(json.dumps({"id": "s%06d" % i, "title": " ".join(words[:6]),
                                    "text": " ".join(words), "lang": "en"}) + "\n")
    return _big


def start(*args):
    return subprocess.Popen([BIN, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True)


def whole_lines(path):
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    assert raw.endswith("\n")
    return [json.loads(l) for l in raw.splitlines()]


@test
def test_sigkill_at_any_moment_leaves_previous_output_whole():
    import signal
    import time
    with Tmp() as t:
        out = os.path.join(t, "o")
        run("run", CORPUS, "-o", out, "-q")
        before = open(os.path.join(out, "related.jsonl")).read()
        n_old = len(before.splitlines())
        for delay in (0.0, 0.05, 0.2, 0.5, 1.0, 1.5, 2.5):
            p = start("run", big_input(), "-o", out, "-q")
            time.sleep(delay)
            p.send_signal(signal.SIGKILL)
            p.wait()
            lines = whole_lines(os.path.join(out, "related.jsonl"))
            assert len(lines) in (n_old, 40000), len(lines)
            json.load(open(os.path.join(out, "report.json")))
        # the next run cleans up what the killed ones left behind
        run("run", CORPUS, "-o", out, "-q")
        assert not [n for n in os.listdir(out) if ".tmp." in n], os.listdir(out)
        assert open(os.path.join(out, "related.jsonl")).read().splitlines()[0].startswith('{"schema_version":1')


@test
def test_sigterm_stops_cleanly_and_keeps_previous_output():
    import signal
    import time
    with Tmp() as t:
        out = os.path.join(t, "o")
        run("run", CORPUS, "-o", out, "-q")
        before = open(os.path.join(out, "related.jsonl")).read()
        # how long a whole run takes here, then stop runs early (while the
        # JSON Lines are parsed), midway and late
        t0 = time.time()
        run("run", big_input(), "-o", os.path.join(t, "whole"), "-q")
        whole = time.time() - t0
        for delay in (0.05 * whole, 0.4 * whole, 0.75 * whole):
            # a run that ends before the signal (the machine got less busy
            # than when `whole` was measured) is tried again, sooner
            for _ in range(3):
                p = start("run", big_input(), "-o", out, "-q")
                time.sleep(delay)
                p.send_signal(signal.SIGTERM)
                _, err = p.communicate(timeout=60)
                if p.returncode != 0:
                    break
                run("run", CORPUS, "-o", out, "-q")
                before = open(os.path.join(out, "related.jsonl")).read()
                delay /= 2
            assert p.returncode == 128 + signal.SIGTERM, (delay, p.returncode, err)
            assert "stopped by signal" in err, (delay, err)
            assert open(os.path.join(out, "related.jsonl")).read() == before
            assert not [n for n in os.listdir(out) if ".tmp." in n]
            run("run", CORPUS, "-o", out, "-q")  # the lock was released
            before = open(os.path.join(out, "related.jsonl")).read()


@test
def test_sigterm_while_the_output_is_written_lets_the_run_finish():
    # once the new related.jsonl is in place (here: while --per-story
    # publishes its files), the run must not exit 143 saying it left the
    # previous output
    import signal
    import time
    with Tmp() as t:
        src = os.path.join(t, "10k.jsonl")
        with open(big_input(), encoding="utf-8") as f, open(src, "w", encoding="utf-8") as g:
            for _, line in zip(range(10000), f):
                g.write(line)
        out = os.path.join(t, "o")
        run("run", CORPUS, "-o", out, "-q")
        old = os.stat(os.path.join(out, "related.jsonl")).st_ino
        p = start("run", src, "-o", out, "-q", "--per-story")
        while os.stat(os.path.join(out, "related.jsonl")).st_ino == old and p.poll() is None:
            time.sleep(0.001)
        assert p.poll() is None, "the run ended before its files were published"
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, (p.returncode, err)
        assert "previous output left" not in err and "the run finished" in err, err
        assert len(whole_lines(os.path.join(out, "related.jsonl"))) == 10000
        assert os.path.exists(os.path.join(out, "current", "related", "s000000.json"))


@test
def test_lock_keeps_a_second_run_off_the_same_folder():
    import time
    with Tmp() as t:
        out = os.path.join(t, "o")
        p = start("run", big_input(), "-o", out, "-q")
        time.sleep(0.2)
        q = run("run", CORPUS, "-o", out, "-q", check=False)
        p.wait(timeout=120)
        assert p.returncode == 0, p.stderr.read()
        assert q.returncode == 4 and "another run" in q.stderr, (q.returncode, q.stderr)
        assert len(whole_lines(os.path.join(out, "related.jsonl"))) == 40000


@test
def test_strict_turns_skips_into_failure():
    with Tmp() as t:
        d = os.path.join(t, "in")
        shutil.copytree(CORPUS, d)
        open(os.path.join(d, "empty.html"), "w").close()
        p = run("run", d, "-o", os.path.join(t, "o"), "--strict", check=False)
        assert p.returncode == 3, p.returncode
        assert not os.path.exists(os.path.join(t, "o", "related.jsonl"))
        assert run("run", d, "-o", os.path.join(t, "o2"), "-q", check=False).returncode == 1
        # an override line skipped fails --strict too, in run and in recommend
        ov = os.path.join(t, "ov.jsonl")
        with open(ov, "w") as f:
            f.write("{not json\n")
        model = os.path.join(t, "m.model")
        p = run("run", CORPUS, "-o", os.path.join(t, "o3"), "-m", model, "--overrides", ov,
                "--strict", check=False)
        assert p.returncode == 3 and f"{ov}:1" in p.stderr, (p.returncode, p.stderr)
        assert not os.path.exists(os.path.join(t, "o3", "related.jsonl"))
        p = run("recommend", "-m", model, "-o", os.path.join(t, "o4"), "--overrides", ov,
                "--strict", check=False)
        assert p.returncode == 3 and "warning: --strict" not in p.stderr, (p.returncode, p.stderr)
        assert not os.path.exists(os.path.join(t, "o4", "related.jsonl"))
        p = run("recommend", "-m", model, "-o", os.path.join(t, "o5"), "--overrides", ov, "-q",
                check=False)
        assert p.returncode == 1 and os.path.exists(os.path.join(t, "o5", "related.jsonl")), p.returncode


@test
def test_output_independent_of_input_order():
    import random
    with Tmp() as t:
        ids = sorted(labels())
        outs = []
        for seed in (1, 2):
            order = ids[:]
            random.Random(seed).shuffle(order)
            man = os.path.join(t, "m%d.jsonl" % seed)
            with open(man, "w") as f:
                for pid in order:
                    f.write(json.dumps({"id": pid, "path": os.path.join(CORPUS, pid + ".html")}) + "\n")
            run("run", man, "-o", os.path.join(t, "o%d" % seed), "-q", "-j", str(seed))
            outs.append([{**l, "generated_at": None} for l in whole_lines(os.path.join(t, "o%d" % seed, "related.jsonl"))])
        assert outs[0] == outs[1]


def corpus_ids():
    raw, lines, _ = corpus_run()
    return [l["source"]["id"] for l in lines], {l["source"]["id"]: l for l in lines}


@test
def test_overrides_pin_block_sponsored_and_unknown_story():
    ids, by_id = corpus_ids()
    a = ids[0]
    first = by_id[a]["items"][0]["id"]
    listed = {i["id"] for i in by_id[a]["items"]}
    far = next(i for i in reversed(ids) if i not in listed and i != a)  # not a candidate
    # blocked and sponsored stories that other lists show but a's does not
    # (so that a's list keeps its length)
    others = [i["id"] for s in ids[1:] for i in by_id[s]["items"] if i["id"] not in listed | {a}]
    banned = others[0]
    sponsor = next(i for i in others if i != banned)
    with Tmp() as t:
        ov = os.path.join(t, "ov.jsonl")
        with open(ov, "w") as f:
            f.write(json.dumps({"story": a, "pin": far, "position": 2}) + "\n")
            f.write(json.dumps({"story": a, "block": first}) + "\n")
            f.write(json.dumps({"block": banned}) + "\n")
            f.write(json.dumps({"sponsored": sponsor}) + "\n")
            f.write(json.dumps({"story": "no/such/story", "pin": a}) + "\n")
            f.write("{not json\n")
        p = run("run", CORPUS, "-o", os.path.join(t, "o"), "-q", "--overrides", ov, check=False)
        assert p.returncode == 1, (p.returncode, p.stderr)  # written, with skipped lines
        assert f"{ov}:5" in p.stderr and "no/such/story" in p.stderr, p.stderr
        assert f"{ov}:6" in p.stderr, p.stderr
        report = json.load(open(os.path.join(t, "o", "report.json")))
        skipped = {s["input"] for s in report["skipped"]}
        assert {f"{ov}:5", f"{ov}:6"} <= skipped, report["skipped"]
        lines = {l["source"]["id"]: l for l in read_jsonl(os.path.join(t, "o", "related.jsonl"))}
        items = lines[a]["items"]
        assert len(items) == len(by_id[a]["items"]), items  # the list keeps its length
        assert items[1]["id"] == far and items[1]["origin"] == "pinned", items[:3]
        assert first not in [i["id"] for i in items]
        assert [i["rank"] for i in items] == list(range(1, len(items) + 1))
        for sid, line in lines.items():
            got = [i["id"] for i in line["items"]]
            assert banned not in got, (sid, got)
            assert sponsor not in got, (sid, got)  # no story here is sponsored
        assert sum(banned in [i["id"] for i in l["items"]] for l in by_id.values()) > 0


@test
def test_explain_fields_only_when_asked():
    raw, lines, _ = corpus_run()
    for l in lines:
        assert "excluded" not in l and all("why" not in i for i in l["items"]), l["source"]["id"]
    with Tmp() as t:
        run("run", CORPUS, "-o", t, "-q", "--explain", "--min-score", "0.2", "--no-cutoff")
        got = read_jsonl(os.path.join(t, "related.jsonl"))
        assert len(got) == len(lines)
        reasons = set()
        for l in got:
            assert isinstance(l["excluded"], list), l
            for e in l["excluded"]:
                assert set(e) == {"id", "reason"}, e
                reasons.add(e["reason"])
            for i in l["items"]:
                w = i["why"]
                assert set(w) == {"terms", "tfidf", "latent", "score", "names", "numdis"}, w
                assert 0.0 <= w["names"] <= 1.0, w
                assert 0.0 <= w["numdis"] < 1.0, w
                assert len(w["terms"]) <= 5
                assert all(set(x) == {"term", "contribution"} for x in w["terms"])
                c = [x["contribution"] for x in w["terms"]]
                assert c == sorted(c, reverse=True), c
                if i["origin"] == "similar":
                    assert abs(w["score"] - i["score"]) <= 6e-5, (w, i["score"])
        assert "below min-score" in reasons, reasons


@test
def test_per_story_files_match_related_jsonl():
    with Tmp() as t:
        run("run", CORPUS, "-o", t, "-q", "--per-story")
        lines = open(os.path.join(t, "related.jsonl"), encoding="utf-8").read().splitlines()
        assert len(lines) > 0
        cur = os.readlink(os.path.join(t, "current"))
        assert cur.startswith("runs/"), cur
        assert open(os.path.join(t, "current", "related.jsonl"), encoding="utf-8").read().splitlines() == lines
        for line in lines:
            sid = json.loads(line)["source"]["id"]
            path = os.path.join(t, "related", sid + ".json")  # corpus ids need no escaping
            with open(path, encoding="utf-8") as f:
                assert f.read().rstrip("\n") == line, sid
        files = [os.path.join(d, n) for d, _, ns in os.walk(os.path.join(t, "current", "related")) for n in ns]
        assert len(files) == len(lines), (len(files), len(lines))


@test
def test_current_link_switches_and_old_runs_are_pruned():
    with Tmp() as t:
        seen = []
        for _ in range(4):
            run("run", CORPUS, "-o", t, "-q", "--per-story", "--keep", "2")
            seen.append(os.readlink(os.path.join(t, "current")))
        assert len(set(seen)) == 4, seen  # a new folder each run
        runs = sorted(os.listdir(os.path.join(t, "runs")))
        assert ["runs/" + r for r in runs] == seen[-2:], (runs, seen)
        assert not [n for n in os.listdir(t) if ".tmp." in n], os.listdir(t)
        # recommend from a saved model publishes the same way
        model = os.path.join(t, "m.model")
        run("build", CORPUS, "-m", model, "-q")
        run("recommend", "-m", model, "-o", t, "-q", "--per-story", "--keep", "1")
        assert len(os.listdir(os.path.join(t, "runs"))) == 1
        assert os.path.isfile(os.path.join(t, "current", "related.jsonl"))


@test
def test_explain_contributions_sum_to_the_tfidf_cosine():
    with Tmp() as t:
        run("run", CORPUS, "-o", t, "-q", "--no-cutoff")  # items scored by the blend
        lines = read_jsonl(os.path.join(t, "related.jsonl"))
        model = os.path.join(t, "m.model")
        run("build", CORPUS, "-m", model, "-q")
        checked = 0
        for l in lines[:10]:
            a = l["source"]["id"]
            for item in l["items"][:3]:
                e = json.loads(run("explain", "-m", model, a, item["id"], "--terms", "100000").stdout)
                assert e["a"]["id"] == a and e["b"]["id"] == item["id"], e
                assert e["shared_terms"] == len(e["terms"])
                total = sum(x["contribution"] for x in e["terms"])
                assert abs(total - e["tfidf"]) <= 1e-4, (a, item["id"], total, e["tfidf"])
                assert all(x["df"] >= 1 and x["term"] for x in e["terms"])
                w = e["semantic_weight"]
                lat = e["latent"] if e["latent"] is not None else 0.0
                assert abs((1 - w) * e["tfidf"] + w * lat - e["score"]) <= 1e-5, e
                assert abs(e["score"] - item["score"]) <= 6e-5, (e["score"], item["score"])
                checked += 1
        assert checked >= 10
        short = json.loads(run("explain", "-m", model, lines[0]["source"]["id"],
                               lines[0]["items"][0]["id"]).stdout)
        assert len(short["terms"]) <= 20
        bad = run("explain", "-m", model, "no-such-story", lines[0]["source"]["id"], check=False)
        assert bad.returncode == 3 and "no-such-story" in bad.stderr, bad.stderr


@test
def test_man_page_documents_every_command_and_option():
    import re
    with open(os.path.join(ROOT, "related.1"), encoding="utf-8") as f:
        man = f.read().replace("\\-", "-")
    commands = re.findall(r"^  (\w+)\s", run("--help").stdout, re.M)
    assert "run" in commands and "explain" in commands, commands
    missing = []
    for c in commands:
        if f".B related {c}" not in man and f".B {c}\n" not in man:
            missing.append(c)
        for opt in set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]+)", run(c, "--help").stdout)):
            if opt not in man:
                missing.append(f"{c} {opt}")
    assert not missing, f"not in related.1: {missing}"


def test_every_attribute_the_extraction_reads_reaches_the_tree():
    # page.c parses a copy of the page without the attributes outside its
    # read_attributes[]: an attr() of a name left out of that list would read
    # nothing, silently, on every page
    import glob
    import re
    src = os.path.join(ROOT, "src", "extract")
    with open(os.path.join(src, "page.c"), encoding="utf-8") as f:
        page = f.read()
    listed = set(re.findall(r'"([^"]+)"', re.search(
        r"read_attributes\[\] = \{(.*?)\};", page, re.S).group(1)))
    assert "href" in listed and "class" in listed, listed
    read, unnamed = set(), []
    for path in glob.glob(os.path.join(src, "*.c")):
        with open(path, encoding="utf-8") as f:
            code = f.read()
        for arg in re.findall(r"(?<![\w.>])attr\(\s*[^,()]+(?:\([^()]*\))?\s*,\s*([^)]*)\)", code):
            m = re.fullmatch(r'\s*"([^"]+)"\s*', arg)
            if m:
                read.add(m.group(1))
            elif "const char *name" not in arg:
                unnamed.append((os.path.basename(path), arg))
    assert len(read) >= 10, read
    assert not unnamed, f"attr() with a name that is not a literal: {unnamed}"
    assert read <= listed, f"read but not in read_attributes[]: {sorted(read - listed)}"


def query_setup(t):
    """A model and its lists for the corpus, as the site has them after the night."""
    model = os.path.join(t, "m.model")
    out = os.path.join(t, "out")
    run("run", CORPUS, "-o", out, "-m", model, "-q")
    return model, os.path.join(out, "related.jsonl")


@test
def test_query_of_a_corpus_page_gives_its_run_list():
    with Tmp() as t:
        model, lists = query_setup(t)
        runs = {r["source"]["id"]: r for r in read_jsonl(lists)}
        sid = sorted(runs)[7]
        page = next(os.path.join(CORPUS, sid + ext) for ext in (".html", ".html.gz", ".htm")
                    if os.path.exists(os.path.join(CORPUS, sid + ext)))
        p = run("query", "-m", model, "--lists", lists, page)
        lines = [json.loads(l) for l in p.stdout.splitlines()]
        assert len(lines) == 1
        q = lines[0]
        assert set(q) >= {"schema_version", "generated_at", "source", "items", "refresh"}
        assert "refresh_unknown" not in q and isinstance(q["refresh"], list)
        # the run's whole list, in order; the page may come back as its own copy,
        # which takes one place at most
        want = runs[sid]["items"]
        got = [i for i in q["items"] if i["id"] != sid]
        assert want and len(q["items"]) == len(want), (len(q["items"]), len(want))
        assert len(got) >= len(want) - 1, (got, want)
        assert [i["id"] for i in got] == [i["id"] for i in want[:len(got)]], (got, want)
        assert all(abs(a["score"] - b["score"]) <= 1e-4 for a, b in zip(got, want))
        assert set(q["items"][0]) == set(runs[sid]["items"][0])
        # without --lists, refresh is unknown
        q2 = json.loads(run("query", "-m", model, page).stdout)
        assert q2["refresh"] == [] and q2["refresh_unknown"] is True


def article_archive(t):
    """corpus/ as JSON Lines articles (extract's records without their page
    path), so that run and query read the same text for each story."""
    path = os.path.join(t, "articles.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for a in sorted(extracted().values(), key=lambda a: a["id"]):
            a = {k: v for k, v in a.items() if k != "path"}
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
    return path


def without_latent(line):
    """A line's items and exclusions, each item without its score and
    `why` without its latent cosine: a new story's latent vector is folded
    from its TF-IDF row, the model's was fitted with it (query.h), so the
    blend may differ in the last decimal (scores_close() checks them)."""
    items = []
    for it in line["items"]:
        it = {k: v for k, v in it.items() if k != "score"}
        if "why" in it:
            it["why"] = {k: v for k, v in it["why"].items() if k not in ("latent", "score")}
        items.append(it)
    return items, line.get("excluded")


def scores_close(a, b):
    """Two lines' item scores agree to the last decimal written (1e-4)."""
    return len(a["items"]) == len(b["items"]) and \
        all(abs(x["score"] - y["score"]) <= 1.01e-4 for x, y in zip(a["items"], b["items"]))


# List options as a site would vary them; each changes some list of the corpus.
LIST_OPTIONS = (
    (),
    ("--max-age", "2"),
    ("--section-cap", "2"),
    ("--cutoff", "0.6"),
    ("--cutoff", "0.8", "--fill", "4"),
    ("--no-cutoff",),
    ("--no-cutoff", "--half-life", "3", "--max-age", "1"),
    ("--min-relative", "0.9", "-n", "3"),
    ("--explain", "-j", "1"),
    ("--no-cutoff", "--explain", "--min-score", "0.2"),
    # empty lists filled with 2 of the section's newest within 2 days: for
    # older stories the newest are too far, so query must look further, as
    # run does
    ("--no-cutoff", "--min-score", "0.99", "-n", "2", "--max-age", "2"),
)


@test
def test_query_gives_the_run_list_under_every_list_option():
    with Tmp() as t:
        arts = article_archive(t)
        # briefs: the newest stories of the World section, weeks after its
        # others, with the text of English stories of other topics; a
        # fallback within --max-age must look past them, as run does
        en = [a for a in read_jsonl(arts) if a["lang"] == "en" and a.get("section") != "World"]
        with open(arts, "a", encoding="utf-8") as f:
            for i, a in enumerate(en[:8]):
                f.write(json.dumps({"id": f"zz-brief/{i}", "title": f"Brief {i}: {a['title']}",
                                    "text": a["text"][:400], "lang": "en", "section": "World",
                                    "published": f"2017-05-{10 + i:02d}T12:00:00Z"}) + "\n")
            # stories re-edited under other titles: twins by their leads
            for i, a in enumerate(read_jsonl(arts)[1:60:9]):
                words = a["text"].split()
                for k in (5, 17, 29):
                    words[k] = "reportedly"
                f.write(json.dumps(dict(a, id=f"zz-reedit/{i}", title="Update: " + a["title"][::-1],
                                        text=" ".join(words[: len(words) * 2 // 3]),
                                        published="2030-01-01T00:00:00Z"),
                                   ensure_ascii=False) + "\n")
        model = os.path.join(t, "m.model")
        run("run", arts, "-o", os.path.join(t, "base"), "-m", model, "-q")
        records = read_jsonl(arts)
        chosen = records  # every story of the archive, in one query
        some = os.path.join(t, "some.jsonl")
        with open(some, "w", encoding="utf-8") as f:
            for r in chosen:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        default = None
        for opts in LIST_OPTIONS:
            out = os.path.join(t, "out")
            run("run", arts, "-o", out, "-q", *opts)
            runs = {r["source"]["id"]: r for r in read_jsonl(os.path.join(out, "related.jsonl"))}
            lines = [json.loads(l) for l in run("query", "-m", model, "-q", *opts, some).stdout.splitlines()]
            assert [l["source"]["id"] for l in lines] == [r["id"] for r in chosen], opts
            for q in lines:
                want = runs[q["source"]["id"]]
                assert q["source"] == want["source"], (opts, q["source"], want["source"])
                assert without_latent(q) == without_latent(want), \
                    (opts, q["source"]["id"], without_latent(q), without_latent(want))
                assert scores_close(q, want), (opts, q["items"], want["items"])
            got = {l["source"]["id"]: without_latent(l) for l in lines}
            if default is None:
                default = got
                # the default lists are not all alike (the test could not fail)
                assert len({json.dumps(v) for v in got.values()}) > 5
            else:
                assert got != default, f"{opts} changed no list: the test shows nothing"
            if "--fill" in opts:
                assert any(i["origin"] == "fallback" for l in lines for i in l["items"]), opts
            if "--explain" in opts:
                assert all("why" in i for l in lines for i in l["items"]) and \
                    all("excluded" in l for l in lines), opts
                if "--no-cutoff" not in opts:  # the re-edits went as twins
                    assert any(e["reason"] == "twin" and e["id"].startswith("zz-reedit/")
                               for l in lines for e in l["excluded"]), opts


@test
def test_query_reads_a_page_on_stdin():
    with Tmp() as t:
        model, lists = query_setup(t)
        runs = {r["source"]["id"]: r for r in read_jsonl(lists)}
        sid = "column1/2017/04/putin-might-avoid-meeting-with-tillerson"
        page = os.path.join(CORPUS, sid + ".html")
        tmp = os.path.join(t, "tmp")
        os.makedirs(tmp)
        env = dict(os.environ, TMPDIR=tmp)
        with open(page, "rb") as f:
            p = subprocess.run([BIN, "query", "-m", model, "--id", sid, "--url",
                                "https://example.org/putin", "--lists", lists, "-"],
                               stdin=f, capture_output=True, text=True, env=env)
        assert p.returncode == 0, p.stderr
        q = json.loads(p.stdout)
        assert q["source"]["id"] == sid and q["source"]["url"] == "https://example.org/putin", q
        assert q["source"]["title"] == runs[sid]["source"]["title"]
        # the story as run lists it (corpus/ has no boilerplate paragraph to remove)
        assert [(i["id"], i["score"]) for i in q["items"]] == \
            [(i["id"], i["score"]) for i in runs[sid]["items"]], (q["items"], runs[sid]["items"])
        assert isinstance(q["refresh"], list) and "refresh_unknown" not in q
        assert os.listdir(tmp) == [], os.listdir(tmp)  # the copy of stdin is removed
        # the same page named as a file gives the same list
        named = json.loads(run("query", "-m", model, "--id", sid, page).stdout)
        assert named["items"] == q["items"]
        # '-' needs an id; --id names one page
        with open(page, "rb") as f:
            p = subprocess.run([BIN, "query", "-m", model, "-"], stdin=f,
                               capture_output=True, text=True, env=env)
        assert p.returncode == 2 and "--id" in p.stderr, p.stderr
        p = run("query", "-m", model, "--id", "x", page, page, check=False)
        assert p.returncode == 2 and "one PAGE" in p.stderr, p.stderr


@test
def test_query_refuses_lists_that_are_not_related_jsonl():
    with Tmp() as t:
        model, lists = query_setup(t)
        page = os.path.join(CORPUS, read_jsonl(lists)[3]["source"]["id"] + ".html")
        want = json.loads(run("query", "-m", model, "--lists", lists, page).stdout)["refresh"]
        # blank lines are no harm
        spaced = os.path.join(t, "spaced.jsonl")
        with open(spaced, "w", encoding="utf-8") as f:
            f.write("\n" + open(lists, encoding="utf-8").read() + "\n")
        got = json.loads(run("query", "-m", model, "--lists", spaced, page).stdout)["refresh"]
        assert got == want, (got, want)
        # report.json, or a line of something else, is not a list file: refresh would be [] as if known
        report = os.path.join(os.path.dirname(lists), "report.json")
        mixed = os.path.join(t, "mixed.jsonl")
        with open(mixed, "w", encoding="utf-8") as f:
            f.write(open(lists, encoding="utf-8").readline() + '{"id": "x", "title": "t"}\n')
        for bad, line in ((report, 1), (mixed, 2)):
            p = run("query", "-m", model, "--lists", bad, page, check=False)
            assert p.returncode == 3 and f"line {line}: not a related.jsonl line" in p.stderr, \
                (bad, p.returncode, p.stderr)
            assert p.stdout == "", p.stdout
        # a lists file with no list of the model's stories tells nothing: refresh unknown
        empty = os.path.join(t, "empty.jsonl")
        open(empty, "w").close()
        p = run("query", "-m", model, "--lists", empty, page)
        line = json.loads(p.stdout)
        assert line["refresh"] == [] and line.get("refresh_unknown") is True, line
        assert f"{empty}: no list of a story of the model" in p.stderr, p.stderr


@test
def test_query_update_then_recommend_includes_the_new_story():
    with Tmp() as t:
        model, lists = query_setup(t)
        lab = labels()
        runs = read_jsonl(lists)
        label = lab[runs[0]["source"]["id"]]
        same = [r["source"]["id"] for r in runs if lab.get(r["source"]["id"]) == label]
        arts = {a["id"]: a for a in (json.loads(l) for l in run("extract", CORPUS).stdout.splitlines())}
        a, b = arts[same[0]], arts[same[1]]
        new = {"id": "zz-new/story", "title": a["title"] + " " + b["title"],
               "text": a["text"][: len(a["text"]) // 2] + "\n\n" + b["text"][len(b["text"]) // 2:],
               "lang": a["lang"], "section": a.get("section"), "published": "2030-01-01T00:00:00Z"}
        src = os.path.join(t, "new.jsonl")
        with open(src, "w", encoding="utf-8") as f:
            f.write(json.dumps(new) + "\n")
        q = json.loads(run("query", "-m", model, "--lists", lists, "--update", src).stdout)
        assert q["source"]["id"] == "zz-new/story" and q["items"], q
        assert q["refresh"], "a story on a covered topic enters some lists"
        out = os.path.join(t, "after")
        run("recommend", "-m", model, "-o", out, "-q")
        after = {r["source"]["id"]: r for r in read_jsonl(os.path.join(out, "related.jsonl"))}
        assert len(after) == len(runs) + 1 and "zz-new/story" in after
        assert [i["id"] for i in after["zz-new/story"]["items"]][:3] == [i["id"] for i in q["items"]][:3]
        for s in q["refresh"]:
            assert "zz-new/story" in [i["id"] for i in after[s]["items"]], s


@test
def test_query_refresh_names_exactly_the_lists_the_new_story_enters():
    """refresh names the lists the new story enters in a recommend with the
    same options, no more and no fewer: by its score, and where it is a
    newer re-edit (a twin) of an item the list shows, which it replaces;
    with the default options, with several --half-life values (the decay
    moves the new story's score and the best candidate's, against which
    relatedness is judged), with --max-age (which may keep the best
    candidate off the list), with --section-cap, --fill and without the
    cutoff. Before refresh ran the policy itself (it compared the new
    story's score with the list's floor against the undecayed best), 5 of
    these 10 option sets failed: --half-life 20, --max-age 200 --half-life
    30, --section-cap 1, and both without the cutoff."""
    with Tmp() as t:
        arts = sorted((json.loads(l) for l in run("extract", CORPUS, "-q").stdout.splitlines()),
                      key=lambda a: a["id"])
        en = [a for a in arts if a["lang"] == "en" and a.get("published")]
        for opts in ((), ("--half-life", "2"), ("--half-life", "20"), ("--half-life", "200"),
                     ("--max-age", "60"), ("--max-age", "200", "--half-life", "30"),
                     ("--section-cap", "1"), ("--fill", "3", "--half-life", "10"),
                     ("--no-cutoff", "--half-life", "20"), ("--no-cutoff", "--section-cap", "1")):
            model = os.path.join(t, "m.model")
            out = os.path.join(t, "out")
            run("run", CORPUS, "-o", out, "-m", model, "-q", *opts)
            lists = os.path.join(out, "related.jsonl")
            checked = entered = replaced = 0
            for i in range(0, min(len(en), 24), 3):
                a, b = en[i], en[(i + 5) % len(en)]
                if i % 2:  # a mix: a's paragraphs last first (not a's lead), then b's
                    paras = a["text"].split("\n\n")[::-1]
                    new = {"id": f"zz-r/{i}", "title": b["title"] + " as " + a["title"],
                           "text": "\n\n".join(paras) + "\n\n" + b["text"][: len(b["text"]) // 3],
                           "published": b["published"]}
                else:  # a re-edit of a, an hour later: a's twin
                    new = {"id": f"zz-r/{i}", "title": a["title"],
                           "text": "UPDATED: " + a["text"],
                           "published": a["published"][:11] + "23:59:00Z"}
                new.update(lang="en", section=a.get("section"))
                src = os.path.join(t, f"r{i}.jsonl")
                with open(src, "w", encoding="utf-8") as f:
                    f.write(json.dumps(new) + "\n")
                m2 = os.path.join(t, f"m{i}.model")
                shutil.copyfile(model, m2)
                q = json.loads(run("query", "-m", m2, "--lists", lists, "--update", *opts,
                                   src).stdout)
                o2 = os.path.join(t, f"after{i}")
                run("recommend", "-m", m2, "-o", o2, "-q", *opts)
                after = {r["source"]["id"]: r for r in read_jsonl(os.path.join(o2, "related.jsonl"))}
                # ranked: a fallback item (--fill) is not the story entering
                want = sorted(s for s in after if s != new["id"] and new["id"] in
                              [it["id"] for it in after[s]["items"] if it["origin"] == "similar"])
                assert sorted(q["refresh"]) == want, (opts, i, sorted(q["refresh"]), want)
                checked += 1
                entered += len(want)
                replaced += sum(1 for s in want if a["id"] not in
                                [it["id"] for it in after[s]["items"]]) if i % 2 == 0 else 0
            assert checked >= 5 and entered > 0 and replaced > 0, (opts, checked, entered, replaced)


def _new_stories(t, n):
    """n new stories (mixes of two corpus pages each), one JSON Lines file each."""
    arts = sorted((json.loads(l) for l in run("extract", CORPUS, "-q").stdout.splitlines()),
                  key=lambda a: a["id"])
    en = [a for a in arts if a["lang"] == "en"]
    paths = []
    for i in range(n):
        a, b = en[(2 * i) % len(en)], en[(2 * i + 7) % len(en)]
        new = {"id": f"zz-new/{i}", "title": a["title"] + " " + b["title"],
               "text": a["text"] + "\n\n" + b["text"], "lang": "en",
               "published": "2030-01-01T00:00:00Z"}
        path = os.path.join(t, f"new{i}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(new) + "\n")
        paths.append(path)
    return paths


def _model_ids(t, model):
    out = os.path.join(t, "ids")
    run("recommend", "-m", model, "-o", out, "-q", "--no-cutoff", "-n", "1")
    return {r["source"]["id"] for r in read_jsonl(os.path.join(out, "related.jsonl"))}


@test
def test_concurrent_query_updates_lose_nothing():
    with Tmp() as t:
        model, _ = query_setup(t)
        before = _model_ids(t, model)
        news = _new_stories(t, 6)
        procs = [subprocess.Popen([BIN, "query", "-m", model, "--update", "-q", p],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for p in news]
        for p in procs:
            assert p.wait() == 0, p.stderr.read()
        after = _model_ids(t, model)
        assert after == before | {f"zz-new/{i}" for i in range(6)}, sorted(after - before)


@test
def test_query_update_never_overwrites_a_model_replaced_meanwhile():
    import fcntl, time
    with Tmp() as t:
        model, _ = query_setup(t)
        nightly = os.path.join(t, "nightly.model")
        run("build", os.path.join(CORPUS, "column1"), "-m", nightly, "-q")
        nightly_ids = _model_ids(t, nightly)
        (new,) = _new_stories(t, 1)
        with open(model + ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # as a writer would hold it
            q = subprocess.Popen([BIN, "query", "-m", model, "--update", "-q", new],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(1.5)  # the query reads the old model, then waits for the lock
            assert q.poll() is None, "the update did not wait for the model's lock"
            os.replace(nightly, model)  # the nightly build's new model
        assert q.wait() == 0, q.stderr.read()
        assert _model_ids(t, model) == nightly_ids | {"zz-new/0"}


@test
def test_run_warns_on_the_text_left_after_boilerplate_removal():
    # two stories of one site whose only text is the site's own chrome:
    # the cross-page removal empties it, and the warning says so
    chrome = "".join(f"<p>Our newsroom covers the region every day: the council, the schools, "
                     f"the harbour and the clubs, with notes from readers ({k}).</p>"
                     for k in range(6))
    story = ("<p>The ferry to the island will run twice a day from May, the operator said on "
             "Monday, after a winter of single crossings.</p>") * 4
    pages = {"a": ("Harbour dues rise again", chrome), "b": ("Schools close early for snow", chrome),
             "c": ("Ferry timetable doubles", story)}
    with Tmp() as t:
        os.mkdir(os.path.join(t, "pages"))
        for name, (title, body) in pages.items():
            with open(os.path.join(t, "pages", name + ".html"), "w", encoding="utf-8") as f:
                f.write(f'<html lang="en"><head><title>{title}</title><link rel="canonical" '
                        f'href="https://news.example.org/{name}"></head><body><h1>{title}</h1>'
                        f'<div class="content">{body}</div></body></html>')
        for keep, want in ((False, {"a", "b"}), (True, set())):
            out = os.path.join(t, "o%d" % keep)
            run("run", os.path.join(t, "pages"), "-o", out, "-q", *(["--keep-boilerplate"] if keep else []),
                check=False)
            rep = json.load(open(os.path.join(out, "report.json")))
            short = {os.path.basename(w["input"])[0] for w in rep["warnings"] if "text-short" in w["warnings"]}
            assert short == want, (keep, rep["warnings"])


def main():
    if not os.path.exists(BIN):
        print(f"e2e: {BIN} not built", file=sys.stderr)
        return 1
    run_tests()
    if _big:
        shutil.rmtree(os.path.dirname(_big), ignore_errors=True)
    return finish("e2e")


if __name__ == "__main__":
    sys.exit(main())
