"""Markdown into HTML: Python-Markdown with the publication's extensions and its fast paths, and the
Markdown source read as prose (code, URLs and markup blanked) for the checks and the segmenter."""
