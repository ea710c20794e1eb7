"""claimledger: a ledger of figures, quotes, people and citations across many news reports."""
import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["__version__"]
