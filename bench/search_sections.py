"""The internal site's search sections: found in the sanitizer's pass over each page, against
Material's search parsing the sanitized HTML again (the baseline, in the same run).

    python bench/search_sections.py [--kb DIR] [--site DIR] [--repeat 3]

Builds the internal site of this repository (or ``--kb``) in a temporary folder, or reads an
already built one (``--site``: e.g. the 1,000-article KB of ``bench/build.py``), and takes
every page's article HTML (what MkDocs hands the ``kb`` plugin, as the theme shows it). Each
page then goes through both ways, best of ``--repeat`` CPU times:

- two passes (before): ``sanitize_internal(html)``, then Material's ``Parser`` fed the result,
  as Material's search plugin does with every page;
- one pass (now): ``sanitize_internal(html, into=Sections())``.

Beside the speed, the quality figure: the pages whose sections (titles, text, anchors,
exclusions) are the same both ways, and the pages whose written HTML is.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from material.plugins.search.plugin import Parser  # noqa: E402

from kbtools.registry import open_kb  # noqa: E402
from kbtools.sites import build  # noqa: E402
from kbtools.sites.sanitize import sanitize_internal  # noqa: E402
from kbtools.sites.search_sections import Sections  # noqa: E402

ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)


def bodies(site: Path) -> list[str]:
    found = []
    for page in sorted(site.rglob("*.html")):
        match = ARTICLE.search(page.read_text(encoding="utf-8"))
        if match:
            found.append(match.group(1))
    return found


def fields(sections) -> list[tuple]:
    return [(s.el.tag, s.id, s.depth, s.title, s.text, s.is_excluded()) for s in sections]


def two_passes(html: str) -> tuple[str, list]:
    written = sanitize_internal(html)
    parser = Parser()
    parser.feed(written)
    parser.close()
    return written, parser.data


def one_pass(html: str) -> tuple[str, list]:
    sections = Sections()
    written = sanitize_internal(html, into=sections)
    return written, sections.found()


def cpu(repeat: int, job, pages: list[str]) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        for html in pages:
            job(html)
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=Path, default=ROOT)
    parser.add_argument("--site", type=Path, help="an internal site already built")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = build(open_kb(args.kb), ("internal",), out=Path(tmp), jobs=1)["internal"].out
        pages = bodies(site)
    if not pages:
        raise SystemExit(f"no article pages in {site}")
    size = sum(map(len, pages)) / len(pages)
    print(f"{len(pages)} pages, {size:,.0f} characters of article HTML on average")
    before, now = cpu(args.repeat, two_passes, pages), cpu(args.repeat, one_pass, pages)
    print(f"  two passes (sanitize, then Material's parser; baseline): {before:.3f} s CPU, "
          f"{1000 * before / len(pages):.3f} ms per page")
    print(f"  one pass (sanitizer feeds the sections):               {now:.3f} s CPU, "
          f"{1000 * now / len(pages):.3f} ms per page; now/before {now / before:.2f}x")
    same_sections = same_html = 0
    for html in pages:
        (a_html, a), (b_html, b) = two_passes(html), one_pass(html)
        same_sections += fields(a) == fields(b)
        same_html += a_html == b_html
    print(f"  quality: sections the same on {same_sections}/{len(pages)} pages, "
          f"written HTML the same on {same_html}/{len(pages)}")


if __name__ == "__main__":
    main()
