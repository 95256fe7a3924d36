"""What translators use: the gettext catalogues and the i18n commands, translation status and history,
the segmenter, and the hand-off to a translator (XLIFF, TMX, PO) and back."""
