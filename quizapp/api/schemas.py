"""Schemas shared across the API."""
from marshmallow import INCLUDE, Schema, fields


class ErrorBodySchema(Schema):
    """code and Chinese message; validation errors add details, areas may add more."""

    class Meta:
        unknown = INCLUDE

    code = fields.String(required=True)
    message = fields.String(required=True)
    details = fields.Dict(metadata={"description": "field → messages, for invalid input"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)
