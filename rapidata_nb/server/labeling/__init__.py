"""The labeling domain: rules that people and the simulated crowd share.

``content`` (stable content keys and hashes), ``views`` (what a labeler sees, in which order), ``filters``
(audience filters on profiles), ``grading`` (is an answer right), ``examples`` (validating qualification
examples) and ``qualification`` (graduating labelers into custom audiences). Nothing here simulates anyone:
the crowd (``server.crowd``) builds on these rules, never the other way round.
"""
