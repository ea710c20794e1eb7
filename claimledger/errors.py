"""Every error claimledger raises, in one tree.

    ClaimledgerError                 base: a one-line message that says what to do, and a code
    ├── UsageError                   the command line asks for something impossible      (exit 2)
    ├── ModelError                   the spaCy model or a pipeline part cannot be loaded (exit 3)
    ├── LedgerError                  the ledger file cannot be opened or is not a ledger (exit 4)
    ├── WorkerError                  a worker process died (killed, out of memory): the build stops,
    │                                what it stored stays                                (exit 5)
    └── InputError                   one input cannot become a document: skipped, batch goes on
        ├── MissingInput             the path does not exist
        ├── EmptyInput               nothing but white space, or a folder with no articles
        ├── BinaryInput              bytes that are not text (an image, a zip, a PDF)
        ├── OversizedInput           larger than the configured limit
        ├── UndecodableInput         no text encoding fits the bytes
        ├── MalformedInput           a JSON line or an HTML page that cannot be parsed
        └── NoArticleText            parsed, but no article text was found in it
    InputWarning                     one input is kept, but part of it was ignored (one line, no exit)

The CLI prints `str(error)` as one line and exits with `error.exit_code`; a skipped input is also
stored in the ledger's `skipped` table with the same reason.
"""


class ClaimledgerError(Exception):
    code = "CL000"
    exit_code = 1

    def __str__(self) -> str:
        return f"[{self.code}] {super().__str__()}"


class UsageError(ClaimledgerError):
    code = "CL001"
    exit_code = 2


class ModelError(ClaimledgerError):
    code = "CL002"
    exit_code = 3


class LedgerError(ClaimledgerError):
    code = "CL003"
    exit_code = 4


class WorkerError(ClaimledgerError):
    code = "CL004"
    exit_code = 5


class InputError(ClaimledgerError):
    """One input that cannot become a document. `source` names it; `reason` is the bare message."""

    code = "CL100"
    exit_code = 2

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class MissingInput(InputError):
    code = "CL101"


class EmptyInput(InputError):
    code = "CL102"


class BinaryInput(InputError):
    code = "CL103"


class OversizedInput(InputError):
    code = "CL104"


class UndecodableInput(InputError):
    code = "CL105"


class MalformedInput(InputError):
    code = "CL106"


class NoArticleText(InputError):
    code = "CL107"


class InputWarning(ClaimledgerError):
    """One input that is kept but had something ignored (an unparseable `published`): not raised,
    but yielded beside the article so the build prints it as one line and goes on."""

    code = "CL150"
    exit_code = 0

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
