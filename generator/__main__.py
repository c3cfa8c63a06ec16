"""Run the command line interface: ``python -m generator``."""

from generator.cli import main

main()
