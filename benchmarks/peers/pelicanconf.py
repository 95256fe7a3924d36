# Pelican settings for the benchmark corpus: the Markdown reader, the default theme, both languages
# paired by slug through each file's `lang`. Feeds are off (hkai-publish makes none); the rest is
# Pelican's defaults. benchmarks/run.py copies this file into each corpus.
AUTHOR = "Benchmark"
SITENAME = "Benchmark corpus"
SITEURL = ""
PATH = "content"
TIMEZONE = "Asia/Hong_Kong"
DEFAULT_LANG = "en"
RELATIVE_URLS = True
DEFAULT_PAGINATION = False
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
