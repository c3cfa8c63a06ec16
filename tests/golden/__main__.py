"""`python -m tests.golden refresh`: write the demo journal's golden output anew."""

from __future__ import annotations

import sys

from tests.golden import refresh


def main(argv: list[str]) -> int:
    """Run the one command: refresh."""
    if argv != ["refresh"]:
        print("usage: python -m tests.golden refresh", file=sys.stderr)
        return 2
    changed = refresh()
    print("\n".join(f"updated tests/golden/{path}" for path in changed) or "the golden files are up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
