"""The pieces behind ``assistant.krparse``: how a key result's sentence is read.

- ``model``: ``NumberMention`` and ``KRFacts``, the results.
- ``dates``: deadlines ("by end of Q2", "by 2027-03-31", "within 90 days") and their resolution against a period.
- ``tokens``: one pass over the text that finds numbers (normalised, with units), placeholders, words and symbols.
- ``lexicon``: verb classes, comparators and the other word lists.
- ``clauses``: roles of the numbers, direction, comparator and relative changes, per clause.
- ``metric``: the metric phrase of a clause and how many metrics a text targets.

Import from ``assistant.krparse``; these modules are private.
"""
