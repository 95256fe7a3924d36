"""The build's machinery: files and the output spool, digests, the build cache, remembered findings and the
worker pool. It knows nothing of pages, languages or documents."""
