"""The publication's editions, made in memory: pages with their URLs, the static site through Jinja, and
one PDF per language through WeasyPrint, with the guard that keeps the PDF renderer inside the project."""
