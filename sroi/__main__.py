"""``python -m sroi ...``: the ``sroi`` command line (see :mod:`sroi.cli`)."""

from sroi.cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
