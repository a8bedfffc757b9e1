"""``skkeras predict MODEL --csv ROWS``: predict the rows of a CSV file with
a model saved by ``skkeras fit``."""

import sys

from ..csv_input import read_csv
from ..errors import CLIError
from ..model_columns import (
    column_kinds,
    first_bad_value,
    model_columns,
    prepare_categories,
)
from ..model_file import load_model
from ..output import say


def handle(args):
    """Write the rows with their predictions (and probabilities) as CSV."""
    model = load_model(args.model)
    frame = read_csv(args.csv, args.sep)
    columns = model_columns(model, frame, args.csv)
    extra = [c for c in frame.columns if c not in columns]
    if extra:
        say(args, f"note: columns not used by the model: {', '.join(map(str, extra))}")
    kinds = column_kinds(model, columns)
    X = prepare_categories(frame[columns], kinds, args)
    try:
        predictions = model.predict(X)
        proba = model.predict_proba(X) if hasattr(model, "predict_proba") else None
    except (ValueError, TypeError, KeyError) as exc:
        message = first_bad_value(X, kinds) or " ".join(str(exc).split())
        raise CLIError(f"cannot predict the rows of {args.csv!r}: {message}") from None
    out = frame.copy()
    out["prediction"] = predictions
    if proba is not None:
        for i, label in enumerate(getattr(model, "classes_", range(proba.shape[1]))):
            out[f"proba_{label}"] = proba[:, i].round(6)
    if args.out:
        try:
            out.to_csv(args.out, index=False)
        except OSError as exc:
            raise CLIError(
                f"cannot write {args.out!r}: {exc.strerror or exc}"
            ) from None
        say(args, f"wrote {len(out)} predictions to {args.out}")
    else:
        out.to_csv(sys.stdout, index=False)
    return 0
