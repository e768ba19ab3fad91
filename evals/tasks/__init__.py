"""The eval tasks: each builds a ``runner.Task`` from its cases and the system under test."""
