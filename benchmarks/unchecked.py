"""A full build without the checks: `hkai-publish build`, run as it is, but for `run_checks`,
which finds nothing.

    python benchmarks/unchecked.py build --project PROJECT --out PROJECT/out-unchecked --only site

Timed beside the full build and the floor (benchmarks/floor.py), it splits our build's time in
two: what the checks cost, and what the rest of the build (cache keys, the site's templates,
sitemap, the swap into place) costs over the floor. It is no option of hkai-publish: a build
that skips its checks would publish broken links and unsafe markup without a word."""

from __future__ import annotations

import hkai_publish.build
from hkai_publish.cli import main

hkai_publish.build.run_checks = lambda *args, **kwargs: []

if __name__ == "__main__":
    main()
