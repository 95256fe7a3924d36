"""hkai_publish: parallel English and Hong Kong Traditional Chinese editions, on the web and in print."""

__version__ = "0.1.0"
