"""Bank pages about sources: the documents a bank cites, recording an amendment, the review queue (待复核).

Organisers read these pages and record amendments; admins, who edit questions,
review them (keep, edit or retire).
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.access import admin_required, organiser_required
from ..extensions import db
from . import amendments, sources
from .errors import BankError
from .forms import ActionForm, AmendmentForm
from .models import Question
from .views import NOT_SET, bank_or_404, bp


@bp.route("/<int:bank_id>/sources")
@organiser_required
def bank_sources(bank_id: int):
    """The documents the bank cites, with their articles, amendments recorded and questions awaiting review."""
    bank = bank_or_404(bank_id)
    documents, uncited = sources.bank_sources(bank)
    return render_template("banks/sources.html", bank=bank, documents=documents, uncited=uncited, not_set=NOT_SET,
                           amendments=amendments.amendments_of([d.document for d in documents]),
                           pending=amendments.pending_count(bank), form=AmendmentForm())


@bp.route("/<int:bank_id>/sources/amend", methods=["POST"])
@organiser_required
def record_amendment(bank_id: int):
    """Record that a document this bank cites was amended; the questions citing the articles await review."""
    bank = bank_or_404(bank_id)
    form = AmendmentForm()
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("banks.bank_sources", bank_id=bank.id))
    try:
        amendment, flagged = amendments.record_amendment(current_user, amendments.AmendmentInput(
            form.document.data, form.amended_on.data, form.articles.data or "", form.note.data or ""))
    except BankError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("banks.bank_sources", bank_id=bank.id))
    flash(f"已记录《{amendment.document}》的修订（{amendment.articles_text}）：{flagged}道试题待复核，"
          "复核前不会出现在新组的试卷和练习中。" if flagged else
          f"已记录《{amendment.document}》的修订（{amendment.articles_text}）：没有试题引用这些条款。", "success")
    return redirect(url_for("banks.reviews", bank=bank.id) if flagged else url_for("banks.bank_sources", bank_id=bank.id))


@bp.route("/reviews")
@organiser_required
def reviews():
    """The review queue: questions awaiting review (one bank with ?bank=), with the amendments that flagged them."""
    bank = bank_or_404(request.args.get("bank", type=int)) if request.args.get("bank") else None
    return render_template("banks/reviews.html", bank=bank, pending=amendments.pending_reviews(bank),
                           action_form=ActionForm())


@bp.route("/reviews/<int:question_id>/<any(kept, retired):outcome>", methods=["POST"])
@admin_required
def review(question_id: int, outcome: str):
    """Keep a question awaiting review as it is, or retire it (audited)."""
    question = db.session.get(Question, question_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        amendments.review_question(current_user, question, outcome)
    except BankError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash("已复核：此题保留，重新用于组卷和练习。" if outcome == "kept" else "已复核：此题已停用。", "success")
    return redirect(url_for("banks.reviews", **({"bank": request.args["bank"]} if request.args.get("bank") else {})))
