#!/usr/bin/env python3
"""Our extraction figures on one evaluation set, beside the peers' (stdlib only).

    extract-figures.py SET SET_DIR PRED.jsonl MBPS [PARTS.txt]

SET is extract-dev, extract-dev-web or related-dev-html; SET_DIR the set's folder (its
score.py, truth.jsonl and README.md); PRED.jsonl what `related extract` printed; MBPS our
speed in MB/s per core ('-' when not measured). Scores with the set's own score.py (imported
from SET_DIR, so the metric is exactly the set's) and prints:

- extract-dev: score.py's table (per source, with CIs), then one row per peer of the README's
  "Peer figures" table and our row under the same columns (P, R, F1, F1 without
  readability-tests, F1 on l3s-gn1 + dragnet); a second row scores the text with the story's
  parts (standfirst, byline, dateline, captions): PARTS.txt, what `related extract --format
  text --with-parts` printed for the same pages (articles in PRED.jsonl's order, a form feed
  line between them: the parts where the page showed them); without it, the JSON's parts
  printed around `text` (the standfirst, byline and dateline before it, the captions after).
- extract-dev-web: score.py's summary, our figures per language (de, en, the rest), and the
  README's peer table with our row under the same columns (P, R, F1, accuracy, title, date,
  author, MB/s); when pages carry a `standfirst`, a second row scores it with the text (this
  set's truth, like trafilatura, counts the lead as main text).
- related-dev-html: 4-gram F1 of `text` and of title + text against its truth (title + text).
Each set then counts the pages `related extract` warned about ("warnings": the extraction
probably failed) against each page's own F1: how many of the pages with F1 < 0.5 are warned,
and how many warned pages have F1 >= 0.8 (per-page F1: extract-dev 4-gram of `text`,
related-dev-html 4-gram of title + text, extract-dev-web the snippets' 2tp / (2tp + fp + fn)).
Peer figures are read from the README at run time, never copied here.
"""
import importlib.util
import json
import os
import re
import subprocess
import sys


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def read_jsonl(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        return [json.loads(line) for line in f if line.strip()]


def peer_table(readme):
    """The first Markdown table after the '## Peer figures' heading: (header, rows) of cells."""
    with open(readme, encoding='utf-8') as f:
        lines = f.read().split('\n')
    try:
        start = next(i for i, l in enumerate(lines) if l.startswith('## Peer figures'))
    except StopIteration:
        return [], []
    table = []
    for l in lines[start + 1:]:
        if l.startswith('|'):
            table.append([c.strip().replace('**', '') for c in l.strip().strip('|').split('|')])
        elif table or l.startswith('## '):
            break
    if len(table) < 2:
        return [], []
    return table[0], [r for r in table[2:] if not r[0].startswith('related')]


def short(cell):
    """'0.908 (0.898–0.916)' -> '0.908'; '0.672 (short_title)' -> '0.672'."""
    return re.sub(r'\s*\(.*\)$', '', cell)


def print_table(header, rows, ours):
    """Peers' rows and ours (dicts keyed by header cell) under the README's columns."""
    rows = [[r[0][:40]] + r[1:] for r in rows]
    width = max([len(r[0]) for r in rows] + [len(n) for n, _ in ours] + [10])
    cols = header[1:]
    ws = [max(8, len(short(c))) for c in cols]
    print(f"{'':<{width}}  " + '  '.join(f'{short(c):>{w}}' for c, w in zip(cols, ws)))
    for r in rows:
        print(f'{r[0]:<{width}}  ' + '  '.join(f'{short(c):>{w}}' for c, w in zip(r[1:], ws)))
    for name, vals in ours:
        cells = []
        for c, w in zip(cols, ws):
            v = vals.get(c)
            cells.append(f'{v:>{w}.3f}' if isinstance(v, float) else f"{v if v is not None else '':>{w}}")
        print(f'{name:<{width}}  ' + '  '.join(cells))


def page_f1(sc, counts):
    """F1 of one page from extract-dev score.py's page_counts() result."""
    p, r = sc._prec(*counts), sc._rec(*counts)
    return 2 * p * r / (p + r) if p + r else 0.0


def warning_counts(rows):
    """rows: (page F1, warnings list) per page. Prints the warned pages among the failed
    (F1 < 0.5) and among the good (F1 >= 0.8), each warning's count in both groups."""
    low = [w for f, w in rows if f < 0.5]
    high = [w for f, w in rows if f >= 0.8]
    warned = sum(1 for _, w in rows if w)
    print(f'warnings: F1 < 0.5 warned {sum(1 for w in low if w)}/{len(low)}; '
          f'F1 >= 0.8 warned {sum(1 for w in high if w)}/{len(high)}; '
          f'{warned} of {len(rows)} pages warned')
    text_low = sum(1 for w in low if any(k.startswith('text-') for k in w))
    text_high = sum(1 for w in high if any(k.startswith('text-') for k in w))
    print(f'  text-* warnings only: F1 < 0.5 warned {text_low}/{len(low)}; '
          f'F1 >= 0.8 warned {text_high}/{len(high)} (lang-differs says the declaration is wrong, '
          f'not the text)')
    kinds = sorted({k for _, w in rows for k in w})
    for k in kinds:
        print(f'  {k:<22} F1 < 0.5: {sum(1 for w in low if k in w):3}   '
              f'F1 >= 0.8: {sum(1 for w in high if k in w):3}')


PARTS_BEFORE = ('standfirst', 'byline', 'dateline')


def with_parts(rec):
    """The text with the story's other parts printed around it, or None without parts."""
    before = [rec[k] for k in PARTS_BEFORE if isinstance(rec.get(k), str) and rec[k]]
    caps = [c for c in rec.get('captions') or [] if isinstance(c, str)]
    if not before and not caps:
        return None
    return '\n\n'.join(before + [rec.get('text') or ''] + caps)


def dev(set_dir, preds, mbps):
    score = os.path.join(set_dir, 'score.py')
    sys.stdout.flush()
    subprocess.run([sys.executable, score, PRED], check=True)
    sc = load_module(score, 'score_dev')
    truth = sc.load_truth(os.path.join(set_dir, 'truth.jsonl'))

    def figures(texts):
        rows = {k: sc.page_counts(t['text'], texts.get(k, ''), 4, False) for k, t in truth.items()}
        allm = sc.aggregate(list(rows.values()))
        wo = sc.aggregate([r for k, r in rows.items() if truth[k]['source'] != 'readability-tests'])
        core = sc.aggregate([r for k, r in rows.items() if truth[k]['source'] in ('l3s-gn1', 'dragnet')])
        return {'P': allm['precision'], 'R': allm['recall'], 'F1 (95% CI)': allm['f1'],
                'F1 w/o readability-tests': wo['f1'], 'F1 l3s+dragnet': core['f1']}

    texts = {str(r['id']): r.get('text') or '' for r in preds}
    ours = [('related: text', figures(texts))]
    if PARTS:
        with open(PARTS, encoding='utf-8', errors='replace') as f:
            shown = f.read().split('\n\f\n')
        if len(shown) != len(preds):
            sys.exit(f'{PARTS}: {len(shown)} articles, {PRED}: {len(preds)}')
        parts = {str(r['id']): t.rstrip('\n') for r, t in zip(preds, shown)}
    else:
        parts = {str(r['id']): with_parts(r) for r in preds}
    if any(v is not None for v in parts.values()):
        ours.append(('related: text + parts',
                     figures({k: (v if v is not None else texts[k]) for k, v in parts.items()})))
    header, rows = peer_table(os.path.join(set_dir, 'README.md'))
    print(f'\nbeside the peers (README of {os.path.basename(set_dir)}; speed here {mbps} MB/s per core):')
    print_table(header or ['', 'P', 'R', 'F1 (95% CI)', 'F1 w/o readability-tests', 'F1 l3s+dragnet'],
                rows, ours)
    by_id = {str(r['id']): r for r in preds}
    print()
    warning_counts([(page_f1(sc, sc.page_counts(t['text'], texts.get(k, ''), 4, False)[0]),
                     by_id.get(k, {}).get('warnings') or []) for k, t in truth.items()])


def web(set_dir, preds, mbps):
    score = os.path.join(set_dir, 'score.py')
    sys.stdout.flush()
    subprocess.run([sys.executable, score, PRED], check=True)
    sc = load_module(score, 'score_web')
    truth = list(sc.load_jsonl(os.path.join(set_dir, 'truth.jsonl')))
    by_id = {r.get('id'): r for r in preds}
    groups = {'de': [], 'en': [], 'other': []}
    for t in truth:
        groups[t.get('lang') if t.get('lang') in ('de', 'en') else 'other'].append(t)
    print(f"\nper language{'':<10}pages      P      R     F1   title    date  author")
    for g, items in groups.items():
        s = sc.evaluate(items, by_id)
        t = s['text']
        meta = '  '.join(f"{s[f]:6.3f}" if s[f] is not None else '     -' for f in ('title', 'date', 'author'))
        print(f"  {g:<20}{len(items):5}  {t['precision']:.3f}  {t['recall']:.3f}  {t['f1']:.3f}  {meta}")
    def row(name, preds_by_id):
        s = sc.evaluate(truth, preds_by_id)
        t = s['text']
        return (name, {'P': t['precision'], 'R': t['recall'], 'F1 (95% CI)': t['f1'],
                       'accuracy': t['accuracy'], 'title': s['title'], 'date': s['date'],
                       'author': s['author'], 'MB/s': mbps})

    ours = [row('related: text', by_id)]
    if any(r.get('standfirst') for r in preds):
        # This set's truth, like trafilatura's output, counts the standfirst
        # (lead) as main text.
        lead = {k: dict(r, text='\n\n'.join(x for x in (r.get('standfirst'), r.get('text')) if x))
                for k, r in by_id.items()}
        ours.append(row('related: standfirst + text', lead))
    header, rows = peer_table(os.path.join(set_dir, 'README.md'))
    print(f'\nbeside the peers (README of {os.path.basename(set_dir)}):')
    print_table(header, rows, ours)
    print()
    warned = []
    for t in truth:
        pred = by_id.get(t['id'], {})
        tp, fp, fn, _ = sc.count_item(t, pred.get('text'))
        warned.append((2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0,
                       pred.get('warnings') or []))
    warning_counts(warned)


def rdh(set_dir, preds):
    sc = load_module(os.path.join(os.path.dirname(set_dir.rstrip('/')), '..', 'extract-dev', 'score.py'),
                     'score_dev')
    truth = sc.load_truth(os.path.join(set_dir, 'truth.jsonl'))
    by_id = {str(r['id']): r for r in preds}
    for label, fn in (('text', lambda r: r.get('text') or ''),
                      ('title + text', lambda r: (r.get('title') or '') + '\n\n' + (r.get('text') or ''))):
        rows = [sc.page_counts(t['text'], fn(by_id.get(k, {})), 4, False) for k, t in truth.items()]
        m = sc.aggregate(rows)
        print(f"{label:<14} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  ({m['pages']} pages; "
              f"4-gram score of extract-dev against truth.jsonl: title + text)")
    title_only = sum(1 for t in truth.values() if '\n' not in t['text'].strip())
    print(f'\nper page: title + text; {title_only} truths are a title only (the text should be empty)')
    warning_counts([(page_f1(sc, sc.page_counts(
        t['text'], (by_id.get(k, {}).get('title') or '') + '\n\n' + (by_id.get(k, {}).get('text') or ''),
        4, False)[0]), by_id.get(k, {}).get('warnings') or []) for k, t in truth.items()])


if __name__ == '__main__':
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    NAME, SET_DIR, PRED, MBPS = sys.argv[1:5]
    PARTS = sys.argv[5] if len(sys.argv) == 6 else None
    PREDS = read_jsonl(PRED)
    if NAME == 'extract-dev':
        dev(SET_DIR, PREDS, MBPS)
    elif NAME == 'extract-dev-web':
        web(SET_DIR, PREDS, MBPS)
    else:
        rdh(SET_DIR, PREDS)
