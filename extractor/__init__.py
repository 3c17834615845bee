"""extractor: quantified claims from Chinese local-government news, into a database.

The core is a pure function: ``extractor.pipeline.extract(text) -> ArticleRecord``.
"""

# Recorded with every article, so `extractor reextract` knows which were extracted by older rules.
__version__ = "0.3.0"
