"""The checks run before anything is written: site integrity (links, anchors, ids, unsafe markup), parity
between an original and its translation, and the language checks (Simplified characters, punctuation)."""
