"""The command line, `python -m pipeline COMMAND …`: a thin layer over the stages' functions.
User errors (missing corpus or file, bad option value) print one line `error: …` and exit 2."""
