#!/usr/bin/env python3
"""Bulk attribution scan of an archive: the same as `attrib scan` (see --help).

  scripts/bulk_scan.py ARCHIVE.jsonl --output scan-out/
  scripts/bulk_scan.py --from-index --outlet "Daily Copy" --since 2024-01-01 --output scan-out/

Re-run the same command after a crash, a kill or a lost cluster to resume.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from attrib.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["scan", *sys.argv[1:]]))
