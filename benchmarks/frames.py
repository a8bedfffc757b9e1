"""DataFrame-native MLP vs the one-hot ColumnTransformer pipeline, on bank.

Run once: ``python benchmarks/frames.py [n_folds]``.  Both contenders use the
bank recipe's network (``skkeras.tasks.get_task("bank")``, without
``duration``) and the same stratified folds; printed side by side with their
times.  Then a synthetic column with 1,000 levels is fitted with embeddings
and the process's peak resident memory is printed.
"""

import resource
import sys
import time

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, cross_val_score

from skkeras import MLPClassifier
from skkeras.tasks import get_task


def bank_auc(n_folds):
    task = get_task("bank")
    X, y = task.load()
    # pandas 3's text columns: the object columns as the "str" dtype.
    text = X.select_dtypes(exclude="number").columns
    X = X.astype({c: "str" for c in text})
    cv = StratifiedKFold(n_folds, shuffle=True, random_state=0)
    rows = {}
    for name, model in (
        ("ColumnTransformer + MLPClassifier", task.make_pipeline()),
        ("MLPClassifier on the frame", MLPClassifier(**task.estimator_params)),
    ):
        start = time.perf_counter()
        scores = cross_val_score(model, X, y, cv=cv, scoring="roc_auc")
        rows[name] = (scores.mean(), scores.std(), time.perf_counter() - start)
    print(f"bank ({len(X)} rows, {X.shape[1]} columns), {n_folds}-fold ROC AUC:")
    for name, (mean, std, seconds) in rows.items():
        print(f"  {name:36s} {mean:.4f} +- {std:.4f}  {seconds:6.1f} s")


def many_levels(max_onehot_categories=32, n_rows=50_000, n_levels=1000):
    rng = np.random.default_rng(0)
    codes = rng.integers(0, n_levels, n_rows)
    effect = rng.normal(size=n_levels)
    X = pd.DataFrame(
        {
            "level": pd.array([f"L{c}" for c in codes], dtype="str"),
            "x": rng.normal(size=n_rows),
        }
    )
    y = (effect[codes] + X["x"].to_numpy() + rng.normal(size=n_rows) > 0).astype(int)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    clf = MLPClassifier(
        (64,),
        max_iter=5,
        random_state=0,
        max_onehot_categories=max_onehot_categories,
    ).fit(X, y)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    encoding = clf._tabular_encoding
    how = (
        f"embedding {n_levels + 1} x {encoding.embedded[0].embedding_dim}"
        if encoding.embedded
        else f"one-hot, {encoding.width} input columns"
    )
    print(
        f"{n_levels} levels x {n_rows} rows: {how}"
        f", fit {seconds:.1f} s (5 epochs), train "
        f"accuracy {clf.score(X, y):.3f}, peak RSS {peak:.0f} MiB "
        f"({before:.0f} MiB before the fit)"
    )


if __name__ == "__main__":
    # ``frames.py [n_folds]``: bank; ``frames.py levels [max_onehot]``: the
    # 1,000 levels alone (run each in a process of its own for its peak RSS;
    # max_onehot=2000 one-hot encodes them instead, for comparison).
    if sys.argv[1:2] == ["levels"]:
        many_levels(int(sys.argv[2]) if len(sys.argv) > 2 else 32)
    else:
        bank_auc(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
