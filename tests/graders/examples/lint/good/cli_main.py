# A small CLI entry point using argparse; clean.
import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="import-csv")
    parser.add_argument("path")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    if not args.path.endswith(".csv"):
        parser.error("expected a .csv file")
    sys.stdout.write(f"importing {args.path} (dry run: {args.dry_run})\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
