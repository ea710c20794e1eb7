"""Extract: one annotated document in, its records out. One module per kind of record.

Each extractor is a pure function of the spaCy `Doc` (and what earlier extractors found); none
touches the store. Offsets are checked against the clean text before anything is kept.
"""
