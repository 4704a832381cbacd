#!/usr/bin/env python3
"""End-to-end tests of the sharded job (count --paragraphs -> merge --paragraphs
-> count --boilerplate -> merge -> recommend --shard -> concat, through
scripts/run-sharded.sh): its related.jsonl must be the one a single `related
run` writes, byte for byte apart from generated_at, on corpus/, on a generated
archive with near-copies and bad records, in --exact and --approximate modes,
and on generated site pages whose boilerplate paragraphs repeat across shards
(default options: removed, as run removes them); and the approximate lists
keep recall@10 >= 0.99 of the exact ones. Also checks that bad parts and
tables are refused with messages naming them.

Usage: python3 tests/e2e_shard.py ./related
Uses GNU parallel when installed, else the script's xargs -P fallback.
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from harness import ROOT, binary, check, finish
import harness

RELATED = binary()
SCRIPT = os.path.join(ROOT, "scripts", "run-sharded.sh")
TMP = tempfile.mkdtemp(prefix="e2e-shard-")


def run(args, **kw):
    return harness.run(args, **kw)


def lines_without_time(path):
    with open(path, encoding="utf-8") as f:
        return [re.sub(r'"generated_at":"[^"]*"', '"generated_at":""', l, count=1)
                for l in f]


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return "line %d differs:\n  run:     %s  sharded: %s" % (i + 1, x[:300], y[:300])
    return "run has %d lines, sharded %d" % (len(a), len(b))


def single_run(inputs, out, opts=()):
    p = run([RELATED, "run", "-q", *opts, *inputs, "-o", out])
    assert p.returncode in (0, 1), p.stderr
    return p.returncode


def sharded(inputs, out, n, opts=()):
    return run([SCRIPT, "-j", str(n), "--related", RELATED, *opts, *inputs, out])


def compare(name, inputs, n, run_out, run_rc, opts=(), list_opts=()):
    """list_opts: recommend's options, given to run as they are."""
    out = os.path.join(TMP, "sh-%s-%d" % (name, n))
    p = sharded(inputs, out, n, tuple(opts) + tuple(
        x for o in list_opts for x in ("--recommend-opt", o)))
    if p.returncode != run_rc:
        check("%s: %d shards exit like run (%d)" % (name, n, run_rc), False,
              "status %d, stderr:\n%s" % (p.returncode, p.stderr))
        return
    a = lines_without_time(os.path.join(run_out, "related.jsonl"))
    b = lines_without_time(os.path.join(out, "related.jsonl"))
    check("%s: %d shards write run's related.jsonl byte for byte" % (name, n), a == b,
          "" if a == b else first_difference(a, b))
    times = {json.loads(l)["generated_at"] for l in open(os.path.join(out, "related.jsonl"))}
    check("%s: %d shards: one generated_at in the file" % (name, n), len(times) == 1, str(times))
    with open(os.path.join(out, "report.json")) as f:
        rep = json.load(f)
    with open(os.path.join(run_out, "report.json")) as f:
        want = json.load(f)
    keys = ("stories", "inputs", "boilerplate_paragraphs_removed", "empty_lists",
            "shortened_lists", "twins_dropped", "near_duplicates_dropped", "fallback_lists")
    same = (all(rep["counts"][k] == want["counts"][k] for k in keys) and
            rep["options"]["cutoff"] == want["options"]["cutoff"] and
            rep["skipped"] == want["skipped"])
    check("%s: %d shards: report.json has run's counts, cutoff and skipped inputs" % (name, n),
          same, "" if same else "%s %s vs run's %s %s" % (rep["counts"], rep["options"],
                                                          want["counts"], want["options"]))


def make_archive(path):
    """A few thousand synthetic articles, plus near-copies of some (so the
    near-duplicate rule looks across shards) and records that are skipped."""
    base = path + ".base"
    subprocess.run([os.path.join(ROOT, "scripts", "make-synthetic"), "3000", base],
                   check=True, capture_output=True)
    recs = [json.loads(l) for l in open(base, encoding="utf-8")]
    extra = []
    for i, r in enumerate(recs[::97]):
        c = dict(r)
        c["id"] = "z-copy-%04d" % i  # sorts into the last shard, its original into others
        c["text"] = r["text"] + " Updated."
        extra.append(c)
    for i, r in enumerate(recs[5::131]):
        c = dict(r)  # the story re-edited under its title: a twin, not a copy
        c["id"] = "z-reedit-%04d" % i
        c["text"] = r["text"][: len(r["text"]) * 3 // 5]
        extra.append(c)
    extra.append({"id": "s00010", "title": "a repeated id", "text": "skipped as a duplicate"})
    extra.append({"id": "empty-story", "title": "", "text": ""})
    with open(path, "w", encoding="utf-8") as f:
        for r in recs + extra:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


HOSTS = ("www.alpha-news.example", "news.beta.example", "gamma.example")
PAIRS = 12


def make_site_pages(path, n=300):
    """n HTML pages of three sites, page i on HOSTS[i % 3], in id order p0000..:
    site chrome (newsletter prompt, copyright) on four pages in five, which the
    extractor keeps as paragraphs of the article; a "Correction" paragraph on
    exactly two stories of one site, k and k + n/2, always in different
    shards (chrome: removed); an "Editor's note" on a story and its copy (same
    title, another URL) k + n/2 + 3, in different shards (one story: kept);
    two untitled pages sharing a paragraph across shards."""
    base = path + ".jsonl"
    subprocess.run([os.path.join(ROOT, "scripts", "make-synthetic"), str(n), base],
                   check=True, capture_output=True)
    recs = [json.loads(l) for l in open(base, encoding="utf-8")]
    half = n // 2
    assert half % 3 == 0  # k and k + half on one host
    os.makedirs(path)
    titles = [r["title"] for r in recs]
    extra = {i: [] for i in range(n)}
    for k in range(PAIRS):
        note = "Correction: an earlier version of this story misstated figure %d." % k
        extra[k].append(note)
        extra[k + half].append(note)
        j = 3 * (PAIRS + k) + 1  # a story of HOSTS[1] and its copy, same host
        titles[j + half] = titles[j]
        note = "Editor's note: this story was updated with reporting from desk %d." % k
        extra[j].append(note)
        extra[j + half].append(note)
    untitled = (2, 2 + half)
    for i in untitled:
        extra[i].append("Filed from the gamma wire service without a headline.")
    for i, r in enumerate(recs):
        host = HOSTS[i % 3]
        paras = [p + "." for p in r["text"].replace("\n\n", " ").split(". ") if p]
        paras += extra[i]
        if i % 5:
            paras += ["Sign up for the %s morning newsletter and never miss a story." % host,
                      "Copyright %s. All rights reserved. No reproduction." % host]
        title = "" if i in untitled else titles[i]
        head = "<title>%s</title>" % html.escape(title) if title else ""
        h1 = "<h1>%s</h1>" % html.escape(title) if title else ""
        body = "".join("<p>%s</p>\n" % html.escape(p) for p in paras)
        page = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">%s'
                '<link rel="canonical" href="https://%s/story/%d"></head><body><article>'
                '%s\n%s</article></body></html>\n' % (head, host, i, h1, body))
        with open(os.path.join(path, "p%04d.html" % i), "w", encoding="utf-8") as f:
            f.write(page)


def site_boilerplate():
    """Default options on pages whose site paragraphs repeat across shards: the
    sharded job removes exactly what run removes."""
    pages = os.path.join(TMP, "sites")
    make_site_pages(pages)
    run_out = os.path.join(TMP, "run-sites")
    rc = single_run([pages], run_out)
    with open(os.path.join(run_out, "report.json")) as f:
        removed = json.load(f)["counts"]["boilerplate_paragraphs_removed"]
    # 240 pages x 2 chrome paragraphs, 2 x PAIRS corrections, 2 untitled
    check("sites: run removes the site boilerplate (%d paragraphs)" % removed,
          removed == 480 + 2 * PAIRS + 2, str(removed))
    p = run([RELATED, "extract", "-q", pages])
    texts = {json.loads(l)["id"]: json.loads(l)["text"] for l in p.stdout.splitlines()}
    ok = (not any("Correction:" in t for t in texts.values()) and
          sum("Editor's note" in t for t in texts.values()) == 2 * PAIRS and
          not any("newsletter" in t for t in texts.values()))
    check("sites: chrome split across shards goes, one story's copies keep theirs", ok)
    keep_out = os.path.join(TMP, "run-sites-keep")
    single_run([pages], keep_out, ("--keep-boilerplate",))
    differs = (lines_without_time(os.path.join(keep_out, "related.jsonl")) !=
               lines_without_time(os.path.join(run_out, "related.jsonl")))
    check("sites: the removal changes related.jsonl (so the comparison below sees it)",
          differs)
    for n in (2, 3, 5):
        compare("sites", [pages], n, run_out, rc)
    # one shard of one decides by itself, as run does: the table changes nothing
    d = os.path.join(TMP, "sites-one")
    os.makedirs(d)
    f = lambda name: os.path.join(d, name)
    steps = [["count", "--shard", "0/1", pages, "-o", f("alone.part")],
             ["count", "--paragraphs", "--shard", "0/1", pages, "-o", f("para.part")],
             ["merge", "--paragraphs", "-o", f("table"), f("para.part")],
             ["count", "--boilerplate", f("table"), "--shard", "0/1", pages, "-o", f("t.part")],
             ["merge", "--no-latent", f("alone.part"), "-m", f("alone.model")],
             ["merge", "--no-latent", f("t.part"), "-m", f("t.model")]]
    ok = all(run([RELATED, step[0], "-q", *step[1:]]).returncode == 0 for step in steps)
    same = ok and open(f("alone.model"), "rb").read() == open(f("t.model"), "rb").read()
    check("sites: count 0/1 without a table builds the model it builds with one", same)


def bad_parts():
    corpus = os.path.join(ROOT, "corpus")
    d = os.path.join(TMP, "bad")
    os.makedirs(d)
    p = run([RELATED, "count", "-q", "--shard", "1/3", corpus, "-o", os.path.join(d, "x")])
    check("count of 1 shard in 3 without a boilerplate table is refused, saying why",
          p.returncode == 2 and "--boilerplate TABLE" in p.stderr
          and "--keep-boilerplate" in p.stderr and not os.path.exists(os.path.join(d, "x")),
          p.stderr)
    paras = []
    for i in range(3):
        para = os.path.join(d, "p%d.part" % i)
        p = run([RELATED, "count", "-q", "--paragraphs", "--shard", "%d/3" % i, corpus,
                 "-o", para])
        paras.append(para)
    table = os.path.join(d, "table")
    p = run([RELATED, "merge", "-q", "--paragraphs", "-o", table, *paras])
    check("merge --paragraphs writes the table", p.returncode == 0 and os.path.exists(table),
          p.stderr)
    bad_paragraphs(d, corpus, paras, table)
    parts = []
    for i in range(3):
        part = os.path.join(d, "c%d.part" % i)
        p = run([RELATED, "count", "-q", "--boilerplate", table, "--shard", "%d/3" % i,
                 corpus, "-o", part])
        parts.append(part)
    model = os.path.join(d, "m")
    p = run([RELATED, "merge", "-q", "-m", model, parts[0], parts[2]])
    check("merge refuses a missing part", p.returncode == 3 and "c0.part" in p.stderr
          and "3 parts" not in p.stderr and "2 parts were given" in p.stderr, p.stderr)
    p = run([RELATED, "merge", "-q", "-m", model, parts[1], parts[0], parts[2]])
    check("merge refuses parts out of order", p.returncode == 3 and "shard order" in p.stderr,
          p.stderr)
    other = os.path.join(d, "other.part")
    run([RELATED, "count", "-q", "--boilerplate", table, "--shard", "1/3", "--min-df", "3",
         corpus, "-o", other])
    p = run([RELATED, "merge", "-q", "-m", model, parts[0], other, parts[2]])
    check("merge refuses parts counted with other options",
          p.returncode == 3 and "other.part" in p.stderr and "options" in p.stderr, p.stderr)
    kept = os.path.join(d, "kept.part")
    run([RELATED, "count", "-q", "--keep-boilerplate", "--shard", "1/3", corpus, "-o", kept])
    p = run([RELATED, "merge", "-q", "-m", model, parts[0], kept, parts[2]])
    check("merge refuses a part that kept the boilerplate among parts that removed it",
          p.returncode == 3 and "kept.part" in p.stderr and "boilerplate" in p.stderr,
          p.stderr)
    p = run([RELATED, "merge", "-q", "-m", model, parts[0], paras[1], parts[2]])
    check("merge refuses a paragraph part, saying what it is",
          p.returncode == 3 and "p1.part" in p.stderr and "paragraph part" in p.stderr,
          p.stderr)
    old = os.path.join(d, "old.part")
    with open(parts[1], "rb") as f:
        data = bytearray(f.read())
    data[8:12] = (2).to_bytes(4, "little")
    with open(old, "wb") as f:
        f.write(data)
    p = run([RELATED, "merge", "-q", "-m", model, parts[0], old, parts[2]])
    check("merge refuses a part of another format version, naming it",
          p.returncode == 3 and "old.part" in p.stderr and "version 2" in p.stderr, p.stderr)
    cut = os.path.join(d, "cut.part")
    with open(parts[1], "rb") as f:
        data = f.read()
    with open(cut, "wb") as f:
        f.write(data[: len(data) // 2])
    p = run([RELATED, "merge", "-q", "-m", model, parts[0], cut, parts[2]])
    check("merge refuses a truncated part, naming it",
          p.returncode == 3 and "cut.part" in p.stderr and "truncated" in p.stderr, p.stderr)
    flipped = os.path.join(d, "flip.part")
    b = bytearray(data)
    b[len(b) // 2] ^= 0x20
    with open(flipped, "wb") as f:
        f.write(b)
    p = run([RELATED, "merge", "-q", "-m", model, parts[0], flipped, parts[2]])
    check("merge refuses a corrupted part, naming it",
          p.returncode == 3 and "flip.part" in p.stderr, p.stderr)
    p = run([RELATED, "merge", "-q", "-m", model, *parts])
    check("merge joins the three parts", p.returncode == 0 and os.path.exists(model), p.stderr)
    lines = []
    for i in range(3):
        out = os.path.join(d, "l%d.jsonl" % i)
        p = run([RELATED, "recommend", "-q", "-m", model, "--shard", "%d/3" % i, "-o", out])
        lines.append(out)
    p = run([RELATED, "concat", "-q", "-o", os.path.join(d, "o1"), lines[0], lines[0], lines[2]])
    check("concat refuses a part given twice", p.returncode == 3 and "shard order" in p.stderr,
          p.stderr)
    p = run([RELATED, "concat", "-q", "-m", model, "-o", os.path.join(d, "o2"), lines[0], lines[2]])
    check("concat -m refuses a missing part", p.returncode == 3 and "missing" in p.stderr,
          p.stderr)
    # each part's list counts: a counts file that is not its part's is refused,
    # a part without one (an older version's) is joined with a warning
    counts = [l + ".counts" for l in lines]
    saved = open(counts[1]).read()
    other = json.loads(saved)
    other["lines"] += 1
    with open(counts[1], "w") as f:
        json.dump(other, f)
    p = run([RELATED, "concat", "-q", "-o", os.path.join(d, "o3"), *lines])
    check("concat refuses a list counts file that is not its part's",
          p.returncode == 3 and "counts file" in p.stderr, p.stderr)
    os.remove(counts[1])
    p = run([RELATED, "concat", "-o", os.path.join(d, "o4"), *lines])
    check("concat joins a part without list counts, with a warning naming it",
          p.returncode == 0 and lines[1] + ".counts" in p.stderr, p.stderr)
    with open(counts[1], "w") as f:
        f.write(saved)
    env = dict(os.environ, SLURM_ARRAY_TASK_ID="2", SLURM_ARRAY_TASK_COUNT="3")
    out = os.path.join(d, "env.jsonl")
    p = run([RELATED, "recommend", "-q", "-m", model, "--shard", "auto", "-o", out], env=env)
    same = p.returncode == 0 and open(out).read().count("\n") == open(lines[2]).read().count("\n")
    check("--shard auto takes the shard from SLURM_ARRAY_TASK_ID/COUNT", same, p.stderr)
    env = dict(os.environ, JOB_COMPLETION_INDEX="1", RELATED_SHARDS="3")
    out = os.path.join(d, "k8s.part")
    p = run([RELATED, "count", "-q", "--boilerplate", table, corpus, "-o", out], env=env)
    check("count takes its shard from JOB_COMPLETION_INDEX/RELATED_SHARDS",
          p.returncode == 0 and open(out, "rb").read() == open(parts[1], "rb").read(), p.stderr)


def bad_paragraphs(d, corpus, paras, table):
    """Paragraph parts and tables that do not fit are refused, naming the file."""
    out = os.path.join(d, "t2")
    p = run([RELATED, "merge", "-q", "--paragraphs", "-o", out, paras[0], paras[2]])
    check("merge --paragraphs refuses a missing part",
          p.returncode == 3 and "2 parts were given" in p.stderr and not os.path.exists(out),
          p.stderr)
    with open(paras[1], "rb") as f:
        data = f.read()
    cut = os.path.join(d, "pcut.part")
    with open(cut, "wb") as f:
        f.write(data[: len(data) - 9])
    p = run([RELATED, "merge", "-q", "--paragraphs", "-o", out, paras[0], cut, paras[2]])
    check("merge --paragraphs refuses a truncated paragraph part, naming it",
          p.returncode == 3 and "pcut.part" in p.stderr and "paragraph part" in p.stderr
          and not os.path.exists(out), p.stderr)
    flipped = os.path.join(d, "pflip.part")
    b = bytearray(data)
    b[-20] ^= 0x01
    with open(flipped, "wb") as f:
        f.write(b)
    p = run([RELATED, "merge", "-q", "--paragraphs", "-o", out, paras[0], flipped, paras[2]])
    check("merge --paragraphs refuses a corrupted paragraph part, naming it",
          p.returncode == 3 and "pflip.part" in p.stderr, p.stderr)
    p = run([RELATED, "merge", "-q", "--paragraphs", "-o", out, table])
    check("merge --paragraphs refuses a table, saying what it is",
          p.returncode == 3 and "boilerplate table" in p.stderr, p.stderr)
    # a table of other inputs: the corpus without one site
    sub = os.path.join(d, "sub")
    shutil.copytree(corpus, sub, ignore=shutil.ignore_patterns("vesti"))
    subp = os.path.join(d, "sub.part")
    run([RELATED, "count", "-q", "--paragraphs", sub, "-o", subp])
    subt = os.path.join(d, "sub.table")
    run([RELATED, "merge", "-q", "--paragraphs", "-o", subt, subp])
    x = os.path.join(d, "x.part")
    p = run([RELATED, "count", "-q", "--boilerplate", subt, "--shard", "0/3", corpus,
             "-o", x])
    check("count refuses a table made from other inputs, naming it",
          p.returncode == 3 and "sub.table" in p.stderr and "other inputs" in p.stderr
          and not os.path.exists(x), p.stderr)
    with open(table, "rb") as f:
        data = f.read()
    tcut = os.path.join(d, "tcut.table")
    with open(tcut, "wb") as f:
        f.write(data[: len(data) - 3])
    p = run([RELATED, "count", "-q", "--boilerplate", tcut, "--shard", "0/3", corpus,
             "-o", x])
    check("count refuses a truncated table, naming it",
          p.returncode == 3 and "tcut.table" in p.stderr and "truncated" in p.stderr, p.stderr)
    p = run([RELATED, "count", "-q", "--boilerplate", paras[0], "--shard", "0/3", corpus,
             "-o", x])
    check("count --boilerplate refuses a paragraph part, saying what it is",
          p.returncode == 3 and "paragraph part" in p.stderr, p.stderr)
    p = run([RELATED, "count", "-q", "--boilerplate", table, "--keep-boilerplate", corpus,
             "-o", x])
    check("count refuses --boilerplate with --keep-boilerplate", p.returncode == 2, p.stderr)


def script_from_a_checkout(corpus, run_out, rc):
    """With no --related, no $RELATED and no related on PATH, the script runs the
    binary built beside it (../related), as in a checkout after make."""
    d = os.path.join(TMP, "checkout")
    os.makedirs(os.path.join(d, "scripts"))
    shutil.copy(SCRIPT, os.path.join(d, "scripts"))
    os.symlink(RELATED, os.path.join(d, "related"))
    path = os.pathsep.join(p for p in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep)
                           if p and not os.path.exists(os.path.join(p, "related")))
    env = {k: v for k, v in os.environ.items() if k != "RELATED"}
    env["PATH"] = path
    out = os.path.join(TMP, "sh-checkout")
    p = run([os.path.join(d, "scripts", "run-sharded.sh"), "-j", "2", corpus, out], env=env)
    same = (p.returncode == rc and os.path.exists(os.path.join(out, "related.jsonl")) and
            lines_without_time(os.path.join(out, "related.jsonl")) ==
            lines_without_time(os.path.join(run_out, "related.jsonl")))
    check("run-sharded.sh without related on PATH runs ../related beside it", same,
          "status %d, stderr:\n%s" % (p.returncode, p.stderr))


def main():
    if not os.path.exists(RELATED):
        print("e2e-shard: %s not built" % RELATED, file=sys.stderr)
        shutil.rmtree(TMP, ignore_errors=True)
        return 1
    try:
        print("e2e-shard: GNU parallel %s" % ("found" if shutil.which("parallel")
                                             else "missing: the xargs -P fallback is tested"))
        corpus = os.path.join(ROOT, "corpus")
        run_out = os.path.join(TMP, "run-corpus")
        rc = single_run([corpus], run_out)
        for n in (1, 2, 3, 5):
            compare("corpus", [corpus], n, run_out, rc)
        counts = json.load(open(os.path.join(run_out, "report.json")))["counts"]
        check("corpus: run's report counts shortened lists (%s)" % counts["shortened_lists"],
              counts["shortened_lists"] > 0)
        # list options that fill lists and drop more
        filled = ("--cutoff 0.9", "--fill 3", "-n 3")
        run_out_filled = os.path.join(TMP, "run-corpus-filled")
        rc_filled = single_run([corpus], run_out_filled, [x for o in filled for x in o.split()])
        counts = json.load(open(os.path.join(run_out_filled, "report.json")))["counts"]
        check("corpus --cutoff 0.9 --fill 3: run's report counts fallback lists (%s)" %
              counts["fallback_lists"], counts["fallback_lists"] > 0)
        for n in (2, 3):
            compare("corpus-filled", [corpus], n, run_out_filled, rc_filled, (), filled)
        script_from_a_checkout(corpus, run_out, rc)

        archive = os.path.join(TMP, "archive.jsonl")
        make_archive(archive)
        for mode in ("--exact", "--approximate"):
            run_out = os.path.join(TMP, "run-archive" + mode)
            rc = single_run([archive], run_out, (mode,))
            counts = json.load(open(os.path.join(run_out, "report.json")))["counts"]
            check("archive %s: run's report counts twins and near-duplicates (%s, %s)" %
                  (mode, counts["twins_dropped"], counts["near_duplicates_dropped"]),
                  counts["twins_dropped"] > 0 and counts["near_duplicates_dropped"] > 0)
            for n in (2, 3):
                compare("archive " + mode, [archive], n, run_out, rc, (mode,))
        p = run([RELATED, "eval", "--json", "-b", "0", "--against",
                 os.path.join(TMP, "sh-archive --exact-3", "related.jsonl"),
                 os.path.join(TMP, "sh-archive --approximate-3", "related.jsonl")])
        try:
            r10 = json.loads(p.stdout)["recall@10"]["value"]
        except (ValueError, KeyError, TypeError):
            r10 = None
        check("sharded --approximate keeps recall@10 >= 0.99 of sharded --exact (%s)" % r10,
              r10 is not None and r10 >= 0.99, p.stdout + p.stderr)
        site_boilerplate()
        bad_parts()
    except Exception as e:  # a failed step ends the suite, reported as a failure
        check("the steps above ran to the end", False, "%s: %s" % (type(e).__name__, e))
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    return finish("e2e-shard")


if __name__ == "__main__":
    sys.exit(main())
