#!/usr/bin/env python3
"""Where `related extract` loses on extract-dev-web, page by page.

    scripts/extract-losses.py PRED.jsonl [SET_DIR] [-n N]

PRED.jsonl: `related extract` output on SET_DIR/pages (scripts/eval-extract
leaves it in eval-out/extract-dev-web.jsonl); SET_DIR defaults to
../shared/data/extract-dev-web. Prints, with the set's own text metric
(whitespace-normalised substring match of each snippet):
  - how many "with" snippets are missed and where they went instead (the
    standfirst, byline, dateline or captions field, the title, or nowhere),
    and how many "without" snippets the text keeps;
  - the N pages (default 40) that lose most snippets, each with the
    snippets missed (and the field they went to) and wrongly kept.
Read the pages behind the worst ones, group them by cause, and fix causes.
"""
import argparse
import collections
import json
import os
import re


def norm(s):
    return re.sub(r'\s+', ' ', s if isinstance(s, str) else '').strip()


def went_to(rec, snippet):
    """The field other than text that holds `snippet`, or 'nowhere'."""
    for field in ('standfirst', 'byline', 'dateline', 'title'):
        if snippet in norm(rec.get(field)):
            return field
    if any(snippet in norm(c) for c in rec.get('captions') or []):
        return 'captions'
    return 'nowhere'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('pred')
    ap.add_argument('set_dir', nargs='?', default='../shared/data/extract-dev-web')
    ap.add_argument('-n', type=int, default=40, help='pages to list')
    a = ap.parse_args()
    preds = {}
    with open(a.pred, encoding='utf-8') as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                preds[rec.get('id')] = rec
    where = collections.Counter()
    pages = []
    with open(os.path.join(a.set_dir, 'truth.jsonl'), encoding='utf-8') as f:
        for line in f:
            if not line.strip():
                continue
            t = json.loads(line)
            rec = preds.get(t['id'], {})
            text = norm(rec.get('text'))
            missed = [(w, went_to(rec, norm(w))) for w in t['with'] if norm(w) not in text]
            kept = [w for w in t['without'] if norm(w) in text]
            where.update(place for _, place in missed)
            where['kept'] += len(kept)
            if missed or kept:
                pages.append((len(missed) + len(kept), t['id'], t.get('url'), missed, kept,
                              len(text)))
    print('missed "with" snippets by where they went:',
          ', '.join(f'{k} {v}' for k, v in where.most_common() if k != 'kept'))
    print(f'"without" snippets kept in the text: {where["kept"]}')
    print(f'{len(pages)} pages lose snippets; the {min(a.n, len(pages))} that lose most:')
    pages.sort(key=lambda p: (-p[0], p[1]))
    for lost, pid, url, missed, kept, chars in pages[:a.n]:
        print(f'{lost} {pid} ({chars} characters of text) {url}')
        for w, place in missed:
            print(f'    missed ({place}) {w[:100]!r}')
        for w in kept:
            print(f'    kept   {w[:100]!r}')


if __name__ == '__main__':
    main()
