"""The package's version: rnntop's, whose run-log schema it writes."""

__version__ = "0.7.0"
