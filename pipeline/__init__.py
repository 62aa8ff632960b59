"""Bilingual academic corpus and text-mining pipeline for Chinese social-science research."""
from pipeline.record import Record

__all__ = ["Record"]
