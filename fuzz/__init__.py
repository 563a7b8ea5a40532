"""Coverage-guided fuzzing (atheris/libFuzzer) of the parsers that read untrusted input.

``python -m fuzz NAME [libFuzzer options]`` runs one harness, for example::

    python -m fuzz mime -runs=100000
    python -m fuzz liste-blanche -max_total_time=600
    python -m fuzz --list

Each harness (:data:`fuzz.harnesses.HARNESSES`) feeds the bytes to a parser and accepts
only the parser's own documented errors; anything else (a crash, an unexpected
exception type) is reported by libFuzzer with the input that caused it, written to the
current directory as ``crash-<sha1>``. Seeds come from the sandbox's samples and are
written to ``fuzz/corpus/<name>/`` on first run (the corpus then grows there).
``tests/fuzz/test_atheris.py`` runs every harness briefly in CI.

Every finding is kept: once fixed, its input goes to ``fuzz/regressions/<name>/`` (any
file name; ``crash-<sha1>`` as libFuzzer wrote it is fine), where
``tests/fuzz/test_regressions.py`` replays it on every test run and libFuzzer reads it
as a seed. ``make fuzz-long`` is the nightly run: every harness for ``FUZZ_SECONDS``
(default 600) each, findings written to ``fuzz/findings/``, then every hostile-input
property of ``tests/hostile/`` with ``HOSTILE_EXAMPLES`` (default 10,000) cases.
"""
