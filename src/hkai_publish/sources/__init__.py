"""What a publication is made from: its settings (pyproject.toml), its languages and its Markdown
documents with their front matter, paired as original and translations."""
