"""The exit codes of every `plantkpi` command, defined once."""

EXIT_OK = 0  # done
EXIT_FAILED = 1  # anything else went wrong (dashboard/cli.py prints it)
EXIT_REJECTED = 2  # the input was refused: the problems are printed and nothing was written

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_REJECTED"]
