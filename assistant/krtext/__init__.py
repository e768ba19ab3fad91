"""The pieces behind ``assistant.krparse``: how a key result's sentence is read.

- ``model``: ``NumberMention`` and ``KRFacts`` (the results) and ``Token`` (what the steps pass along).
- ``tokens``: one pass over the text: words, symbols, placeholders, quantities and deadlines.
- ``quantities``: reading one quantity and its unit ("$2M", "200 ms", "4.5/5", "twenty-five").
- ``dates``: deadlines ("by end of Q2", "by 2027-03-31", "within 90 days") found and read.
- ``periods``: OKR periods ("2027-Q2") and the calendar arithmetic that resolves deadlines against them.
- ``lexicon``: verb classes, comparators and the other word lists.
- ``clauses``: roles of the numbers, direction, comparator and relative changes, per clause.
- ``metric``: the metric phrase of a clause and how many metrics a text targets.

Import from ``assistant.krparse``; these modules are private.
"""
