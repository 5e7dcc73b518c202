"""What trains and measures the model: the code of ``cleaner train`` and ``cleaner evaluate``
(corpora, labels, the recipe, training, metrics, baselines, evaluation) and of the benchmarks.

The cleaning runtime (``cleaner`` outside this package) never imports it, so that cleaning needs
neither scikit-learn nor the corpora (tests/test_layout.py holds to it).
"""
