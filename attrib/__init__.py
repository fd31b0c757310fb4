"""attrib: find where a news article came from, what was copied, and whose quotes were taken.

The package root stays light: importing :mod:`attrib` loads neither Elasticsearch nor
numpy. The pipeline lives in :mod:`attrib.detect`, the pure fingerprinting functions in
:mod:`attrib.core`, and the stores in :mod:`attrib.store`.
"""

__version__ = "0.1.0"
