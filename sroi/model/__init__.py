"""The SROI model: stakeholders, inputs, outputs and outcomes, validated once at the boundary.

A :class:`Model` is an impact map: who put what in (:class:`Input`), what was delivered
(:class:`Output`, recorded and reported but not valued), and what changed for whom
(:class:`Outcome`), with each outcome's quantity, duration, financial proxy and the four
deductions. Models are frozen: every field is checked when the model is built and
cannot change afterwards, and a model shares no container with its caller (its scenarios
are read-only copies, mappings and tuples all the way down), so changing the mapping a
model was built from never changes the model.

Models are built from keyword arguments, a mapping (:meth:`Model.from_dict`), a YAML or JSON
file (:func:`load_model`), or a DataFrame of outcomes (:meth:`Model.from_frame`). Field
names are exactly those of the records (see :func:`model_schema`); an unknown field is an
error, so a typo such as ``dead_weight`` is never silently ignored. Every problem is
reported at once, each with its location (see :mod:`sroi.errors`)::

    3 problems in the model:
      outcomes[0].deadweight: must be a fraction between 0 and 1, e.g. 0.25 for 25 % (got 1.5)
      outcomes[1].dead_weight: unknown field; did you mean 'deadweight'? (got 0.2)
      outcomes[2]: needs a financial proxy: give `value` or `proxy`

The package's modules:

- :mod:`sroi.model.records`: the records and :func:`load_model`;
- :mod:`sroi.model.fields`: the field types (the parsers of :mod:`sroi.parsing`);
- :mod:`sroi.model.problems`: pydantic's errors turned into located problems;
- :mod:`sroi.model.scenarios`: the grammar of named scenarios;
- :mod:`sroi.model.front_matter`: what published social accounts say around the figures;
- :mod:`sroi.model.frozen`: the read-only containers a model holds;
- :mod:`sroi.model.schema`: the JSON Schema of the format.

Examples
--------
>>> m = Model.from_dict({
...     "name": "Employment support",
...     "inputs": [{"stakeholder": "Council", "amount": 150_000}],
...     "outcomes": [{
...         "stakeholder": "Participants", "outcome": "Moved into work",
...         "quantity": 100, "value": 1_000, "duration": 3,
...         "deadweight": 0.25, "attribution": 0.1, "drop_off": 0.1,
...     }],
... })
>>> m.outcomes[0].deadweight
0.25
>>> m.outcome_ids
('outcome_1',)
"""

from sroi.model.fields import UNCERTAIN_FIELDS
from sroi.model.front_matter import FrontMatter
from sroi.model.records import (
    DEDUCTIONS_WARNING_THRESHOLD,
    Group,
    Input,
    Model,
    Outcome,
    Output,
    Stakeholder,
    load_model,
)
from sroi.model.schema import model_schema
from sroi.parsing import MAX_YEARS

__all__ = [
    "DEDUCTIONS_WARNING_THRESHOLD",
    "MAX_YEARS",
    "UNCERTAIN_FIELDS",
    "FrontMatter",
    "Group",
    "Input",
    "Model",
    "Outcome",
    "Output",
    "Stakeholder",
    "load_model",
    "model_schema",
]
