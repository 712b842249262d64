#!/usr/bin/env python3
"""Learns kpi_ext's Indonesian sentiment weights from a labelled training split.

usage: sentiment_learn_id.py train.tsv > src/lexicon/id_learned.tsv

Input lines are "text<TAB>positive|neutral|negative" (IndoNLU SmSA's train
split).  A word's weight is its smoothed log-odds of appearing in positive
rather than negative texts, shrunk by how often it appears in neutral ones,
kept only for words seen in enough texts and strong enough to matter.  The
words the scorer treats as rules (negation, intensity, contrast) are left
out: their effect comes from the rules, not from a weight.
"""
import math
import re
import sys
from collections import Counter

MIN_DOCS = 4          # a word must appear in this many training texts
PRIOR = 1.0           # additive smoothing per class
MIN_WEIGHT = 0.35     # weaker words are dropped (they mostly add noise)
CLIP = 3.0            # weights lie in -CLIP..CLIP
RULE_WORDS = set("""tidak bukan belum gak nggak enggak engga ngga ga gk tak tdk ndak kagak g
sangat banget bgt sekali paling agak kurang amat terlalu cukup lumayan
tapi namun tetapi tp tpi sayangnya walaupun meskipun padahal""".split())

def words(text):
    out = []
    for w in re.split(r"[^a-z0-9\x80-\uffff'-]+", text.lower()):
        w = w.strip("'-")
        if not w or w.isdigit():
            continue
        w = re.sub(r"(.)\1\1+", r"\1", w)
        parts = w.split("-")
        if len(parts) == 2 and parts[0] == parts[1]:
            w = parts[0]
        out.append(w)
    return out

def main():
    docs = Counter()
    per = {"positive": Counter(), "negative": Counter(), "neutral": Counter()}
    for line in open(sys.argv[1], encoding="utf-8"):
        text, label = line.rstrip("\n").rsplit("\t", 1)
        docs[label] += 1
        for w in set(words(text)):
            per[label][w] += 1
    vocab = set(per["positive"]) | set(per["negative"]) | set(per["neutral"])
    rows = []
    for w in vocab:
        p, n, z = per["positive"][w], per["negative"][w], per["neutral"][w]
        if p + n + z < MIN_DOCS or w in RULE_WORDS:
            continue
        lo = math.log((p + PRIOR) / (docs["positive"] + PRIOR)) - \
            math.log((n + PRIOR) / (docs["negative"] + PRIOR))
        # share of the word's texts that are neutral, relative to the base rate
        pz = (z / docs["neutral"]) / (p / docs["positive"] + n / docs["negative"] + z / docs["neutral"])
        weight = lo * (1.0 - pz)
        weight = max(-CLIP, min(CLIP, weight))
        if abs(weight) >= MIN_WEIGHT:
            rows.append((w, round(weight, 2)))
    print("# kpi_ext Indonesian sentiment weights learnt from IndoNLU SmSA train.tsv")
    print("# (Apache-2.0) by tools/sentiment_learn_id.py; word<TAB>weight")
    for w, weight in sorted(rows):
        print(f"{w}\t{weight}")

main()
