"""``qnapp-cli``: the console program of the packaged folder, beside the windowed
``qnapp`` (Windows gives a windowed program no console): the ``qnapp`` command line."""

from qnapp.cli import main

raise SystemExit(main(prog_name="qnapp"))
