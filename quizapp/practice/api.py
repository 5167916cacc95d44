"""Practice over the API (PRODUCT.md §5.2): next question and answers with feedback."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..auth.access import login_required_any
from . import services
from .presenting import for_officer

blp = Blueprint("api_practice", __name__, url_prefix="/api/v1", description="Practice (练习)")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


class NextArgsSchema(Schema):
    mode = fields.String(load_default="sequential", validate=validate.OneOf(list(services.MODES)),
                         metadata={"description": "sequential | random | wrong | favourites"})
    chapter = fields.String(load_default=None, metadata={"description": "only this chapter"})


class PracticeOptionSchema(Schema):
    key = fields.String(required=True)
    text = fields.String(required=True)


class PracticeQuestionSchema(Schema):
    id = fields.Integer(required=True)
    type = fields.String(required=True, metadata={"description": "single | multiple | judge | fill"})
    stem = fields.String(required=True)
    options = fields.List(fields.Nested(PracticeOptionSchema), required=True, metadata={
        "description": "choice options in this officer's own order, relabelled A, B, …: the same every time he "
                       "meets the question; answer in these letters"})
    blanks = fields.Integer(metadata={"description": "number of blanks (fill questions)"})
    chapter = fields.String()
    favourite = fields.Boolean()


class NextQuestionSchema(Schema):
    bank_id = fields.Integer(required=True)
    mode = fields.String(required=True)
    question = fields.Nested(PracticeQuestionSchema, allow_none=True,
                             metadata={"description": "null when the mode has no question (e.g. an empty wrong-answer book)"})
    position = fields.Integer(metadata={"description": "1-based place in sequential order, 0 otherwise"})
    total = fields.Integer(metadata={"description": "questions in this mode"})


class AnswerRequestSchema(Schema):
    question_id = fields.Integer(required=True)
    answer = fields.Raw(required=True, allow_none=True,
                        metadata={"description": '"B", ["A","D"] (in the letters served to this officer), true/false, '
                                                 'or ["blank 1", "blank 2"]'})
    mode = fields.String(load_default="sequential", validate=validate.OneOf(list(services.MODES)))
    chapter = fields.String(load_default=None)


class FeedbackSchema(Schema):
    correct = fields.Boolean(required=True)
    answer = fields.Raw(required=True, metadata={
        "description": "the key, in the export shape and in the letters served to this officer"})
    answer_text = fields.String(metadata={
        "description": "the key as a person reads it: for choice questions the letters with the options' texts"})
    explanation = fields.String(required=True)
    in_wrong_book = fields.Boolean()


class FavouriteSchema(Schema):
    favourite = fields.Boolean(required=True)


def fill_blanks(question) -> int:
    """How many blanks a fill question has (from its key)."""
    return len(question.answer) if question.type == "fill" and isinstance(question.answer, list) else 0


def question_json(question, favourite: bool | None = None) -> dict:
    """A question as served for practice (a PracticeQuestion: options in the officer's order): never its answer."""
    data = {"id": question.id, "type": question.type, "stem": question.stem,
            "options": [{"key": o["key"], "text": o["text"]} for o in (question.options or [])],
            "chapter": question.chapter or ""}
    if question.type == "fill":
        data["blanks"] = fill_blanks(question)
    if favourite is not None:
        data["favourite"] = favourite
    return data


@blp.route("/banks/<int:bank_id>/next")
class NextQuestion(MethodView):
    @login_required_any
    @blp.arguments(NextArgsSchema, location="query")
    @blp.response(200, NextQuestionSchema)
    @blp.alt_response(401, description="Not logged in")
    @blp.alt_response(404, description="Unknown bank")
    @blp.alt_response(422, description="Unknown mode")
    @blp.doc(security=SECURITY)
    def get(self, args, bank_id):
        """The next practice question of a bank in a mode (sequential resumes where the officer stopped)."""
        served = services.next_question(current_user.id, bank_id, args["mode"], args["chapter"])
        if served is None:
            return {"bank_id": bank_id, "mode": args["mode"], "question": None, "position": 0, "total": 0}
        favourite = services.is_favourite(current_user.id, served.question.id)
        view = for_officer(current_user.id, served.question)
        return {"bank_id": bank_id, "mode": args["mode"], "question": question_json(view, favourite),
                "position": served.position, "total": served.total}


@blp.route("/practice/answers")
class PracticeAnswers(MethodView):
    @login_required_any
    @blp.arguments(AnswerRequestSchema)
    @blp.response(200, FeedbackSchema)
    @blp.alt_response(401, description="Not logged in")
    @blp.alt_response(404, description="Unknown or retired question")
    @blp.alt_response(422, description="The answer has the wrong shape for the question's type")
    @blp.doc(security=SECURITY)
    def post(self, body):
        """Answer a practice question: immediate feedback with the key and the explanation."""
        feedback = services.record_answer(current_user.id, body["question_id"], body["answer"],
                                          body["mode"], body["chapter"])
        view = feedback.view
        return {"correct": feedback.correct, "answer": view.key, "answer_text": view.key_text,
                "explanation": view.explanation, "in_wrong_book": feedback.in_wrong_book}


@blp.route("/practice/questions/<int:question_id>/favourite")
class Favourite(MethodView):
    @login_required_any
    @blp.arguments(FavouriteSchema)
    @blp.response(200, FavouriteSchema)
    @blp.alt_response(401, description="Not logged in")
    @blp.alt_response(404, description="Unknown or retired question")
    @blp.doc(security=SECURITY)
    def put(self, body, question_id):
        """Add a question to (or remove it from) the officer's favourites."""
        return {"favourite": services.set_favourite(current_user.id, question_id, body["favourite"])}
