"""Exam, study and points reports."""
