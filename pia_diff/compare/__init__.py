"""Comparing: two snapshots in, classified 別添2 rows out.

`docform` gives the comparison its form (a catalogue, or the documents' own tree) and rule table,
`pairing` pairs renumbered entities, `diff` lists the changes, `gaps` what could not be compared,
`classify` decides 提出時期 through the rule table (`rules`) and the user's `decisions`, with
exemption `suggest`ions and the cells a person would paste (`excerpt`).
"""
