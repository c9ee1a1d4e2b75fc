"""Comparing: two snapshots in, classified 別添2 rows out.

`pairing` pairs renumbered entities, `diff` lists the changes, `gaps` what could not be compared,
`classify` decides 提出時期 through the rule table (`rules`) and the user's `decisions`.
"""
