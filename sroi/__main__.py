"""``python -m sroi MODEL ...``: evaluate model files and print their summaries."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence

from sroi.errors import SROIError
from sroi.evaluation import evaluate


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate each model file given and print its summary (or JSON); exit 1 on bad input."""
    parser = argparse.ArgumentParser(
        prog="python -m sroi",
        description="Evaluate SROI model files (.yaml or .json) and print their results.",
    )
    parser.add_argument("models", nargs="+", metavar="MODEL", help="a .yaml/.yml/.json model")
    parser.add_argument(
        "--discount-rate",
        metavar="RATE",
        help="override the model's rate: a number such as 0.035, or green_book / green_book_health",
    )
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = parser.parse_args(argv)

    rate: float | str | None = args.discount_rate
    if rate is not None:
        with contextlib.suppress(ValueError):
            rate = float(rate)
    status = 0
    for i, path in enumerate(args.models):
        try:
            result = evaluate(path, discount_rate=rate)
        except (SROIError, OSError) as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            status = 1
            continue
        if args.json:
            print(json.dumps(result.to_dict(), indent=2))
        else:
            if i:
                print()
            print(result.summary())
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
