"""Bank pages: list, questions, question form, import with preview, export, delete.

Admins manage; organisers may read (they build exams from these banks).
"""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from .. import uploads
from ..auth.access import admin_required, organiser_required
from ..extensions import db
from ..reports.xlsx import XLSX_MIMETYPE
from . import amendments, checkup, services, sources
from .forms import (COLUMN_FIELDS, ActionForm, BankForm, BankImportForm, DeleteBankForm, ImportConfirmForm,
                    QuestionForm)
from .formats import ACCEPTED_EXTENSIONS, FORMAT_LABELS, ParseResult, parse_file
from .models import CATEGORIES, DIFFICULTY_LABELS, Question, QuestionBank
from .template import template_xlsx
from .types import OPTION_KEYS, TYPE_LABELS, has_options

bp = Blueprint("banks", __name__, url_prefix="/admin/banks")
UPLOAD_KIND = "bank"
PREVIEW_ERRORS = 50


def bank_or_404(bank_id: int) -> QuestionBank:
    """The bank, or 404."""
    bank = db.session.get(QuestionBank, bank_id)
    if bank is None:
        abort(404)
    return bank


def _question_or_404(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None:
        abort(404)
    return question


@bp.route("/")
@organiser_required
def index():
    """Every bank with counts by type and chapter."""
    return render_template("banks/index.html", summaries=services.bank_summaries(), type_labels=TYPE_LABELS,
                           categories=CATEGORIES, bank_form=BankForm())


@bp.route("/new", methods=["POST"])
@admin_required
def create():
    """Create an empty bank."""
    form = BankForm()
    if form.validate_on_submit():
        try:
            bank = services.create_bank(current_user, form.name.data, form.category.data, form.description.data)
        except services.BankError as error:
            flash(str(error), "error")
        else:
            flash(f"题库“{bank.name}”已创建。", "success")
            return redirect(url_for("banks.bank", bank_id=bank.id))
    else:
        flash("；".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("banks.index"))


# The filter value that selects questions whose chapter (or source) is blank.
NOT_SET = "__none__"


def _filter_arg(value: str | None) -> str | None:
    """'' is no filter (None); NOT_SET the questions with the field blank ('')."""
    if not value:
        return None
    return "" if value == NOT_SET else value


def _filter_from_args() -> services.QuestionFilter:
    status = request.args.get("status")
    return services.QuestionFilter(
        type=request.args.get("type") if request.args.get("type") in TYPE_LABELS else None,
        chapter=_filter_arg(request.args.get("chapter")),
        difficulty=request.args.get("difficulty", type=int),
        text=(request.args.get("q") or "").strip() or None,
        retired={"active": False, "retired": True, "review": False}.get(status),
        needs_review=True if status == "review" else None,
        document=_filter_arg(request.args.get("document")),
        article=request.args.get("article") if "article" in request.args else None,
    )


@bp.route("/<int:bank_id>")
@organiser_required
def bank(bank_id: int):
    """A bank's questions, filtered and paginated."""
    bank = bank_or_404(bank_id)
    page = db.paginate(services.question_query(bank, _filter_from_args()), per_page=30, error_out=False)
    (summary,) = services.bank_summaries([bank])
    return render_template("banks/bank.html", bank=bank, page=page, summary=summary, health=checkup.bank_health(bank),
                           pending_reviews=amendments.pending_count(bank),
                           chapters=services.bank_chapters(bank), documents=sources.cited_documents(bank),
                           type_labels=TYPE_LABELS, args=request.args,
                           bank_form=BankForm(obj=bank), action_form=ActionForm(), categories=CATEGORIES,
                           not_set=NOT_SET, difficulty_labels=DIFFICULTY_LABELS)


@bp.route("/<int:bank_id>/health")
@organiser_required
def health(bank_id: int):
    """题库体检: every finding with why it matters and the questions it concerns."""
    bank = bank_or_404(bank_id)
    return render_template("banks/health.html", bank=bank, report=checkup.bank_health(bank))


@bp.route("/<int:bank_id>/edit", methods=["POST"])
@admin_required
def edit(bank_id: int):
    """Rename or recategorise a bank."""
    bank = bank_or_404(bank_id)
    form = BankForm()
    if form.validate_on_submit():
        try:
            services.update_bank(current_user, bank, form.name.data, form.category.data, form.description.data)
            flash("题库信息已保存。", "success")
        except services.BankError as error:
            db.session.rollback()
            flash(str(error), "error")
    else:
        flash("；".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("banks.bank", bank_id=bank_id))


@bp.route("/<int:bank_id>/delete", methods=["GET", "POST"])
@admin_required
def delete(bank_id: int):
    """Confirm by typing the name, then delete (refused while an exam uses the bank)."""
    bank = bank_or_404(bank_id)
    form = DeleteBankForm()
    usage = services.bank_in_use(bank)
    if form.validate_on_submit():
        try:
            name = bank.name
            services.delete_bank(current_user, bank, form.confirm_name.data)
        except services.BankError as error:
            form.confirm_name.errors.append(str(error))
        else:
            flash(f"题库“{name}”已删除。", "success")
            return redirect(url_for("banks.index"))
    (summary,) = services.bank_summaries([bank])
    return render_template("banks/delete.html", bank=bank, form=form, usage=usage, summary=summary)


@bp.route("/<int:bank_id>/export.<fmt>")
@organiser_required
def export(bank_id: int, fmt: str):
    """Download the bank as JSON or as an xlsx in the import template."""
    if fmt not in ("json", "xlsx"):
        abort(404)
    bank = bank_or_404(bank_id)
    data = services.export_bank(bank, fmt)
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"{bank.name}.{fmt}",
                     mimetype=XLSX_MIMETYPE if fmt == "xlsx" else "application/json")


@bp.route("/template.xlsx")
@organiser_required
def template():
    """The xlsx import template with one example of each type."""
    return send_file(io.BytesIO(template_xlsx()), as_attachment=True, download_name="题库导入模板.xlsx",
                     mimetype=XLSX_MIMETYPE)


# ---------------------------------------------------------------- questions

def _options_from_request() -> list[str]:
    return [request.form.get(f"option_{key}", "") for key in OPTION_KEYS]


def _render_question_form(form: QuestionForm, bank: QuestionBank, question: Question | None, options: list[str],
                          option_error: str | None = None, answer_error: str | None = None, status: int = 200):
    pending = amendments.pending_amendments(question) if question is not None and question.needs_review else []
    return render_template("banks/question_form.html", form=form, bank=bank, question=question, options=options,
                           option_keys=OPTION_KEYS, option_error=option_error, answer_error=answer_error,
                           action_form=ActionForm(), pending_amendments=pending), status


def _save_question(form: QuestionForm, bank: QuestionBank, question: Question | None):
    options = _options_from_request()
    if not form.validate_on_submit():
        return _render_question_form(form, bank, question, options, status=422)
    try:
        if question is None:
            saved = services.create_question(current_user, bank, form.to_input(options))
            flash("试题已添加。", "success")
        else:
            reviewed = question.needs_review and bool(form.reviewed.data)
            saved = services.update_question(current_user, question, form.to_input(options), reviewed=reviewed)
            flash("试题已保存，已解除待复核。" if reviewed else "试题已保存。", "success")
    except services.QuestionInvalid as error:
        db.session.rollback()
        field = COLUMN_FIELDS.get(error.column)
        if field:
            getattr(form, field).errors = [*getattr(form, field).errors, str(error)]
            return _render_question_form(form, bank, question, options, status=422)
        if error.column.startswith("选项"):
            return _render_question_form(form, bank, question, options, option_error=str(error), status=422)
        return _render_question_form(form, bank, question, options, answer_error=str(error), status=422)
    if request.form.get("then") == "another":
        return redirect(url_for("banks.new_question", bank_id=bank.id))
    if _local_next(request.args.get("next")):
        return redirect(request.args["next"])
    return redirect(url_for("banks.bank", bank_id=saved.bank_id, **({"page": request.args["page"]}
                                                                    if "page" in request.args else {})))


def _local_next(target: str | None) -> bool:
    """Whether a 'next' address is one of the bank pages (never an open redirect)."""
    return bool(target) and target.startswith("/admin/banks/") and "//" not in target


@bp.route("/<int:bank_id>/questions/new", methods=["GET", "POST"])
@admin_required
def new_question(bank_id: int):
    """Add a question to a bank."""
    bank = bank_or_404(bank_id)
    form = QuestionForm()
    if request.method == "GET":
        form.type.data = request.args.get("type") if request.args.get("type") in TYPE_LABELS else "single"
        return _render_question_form(form, bank, None, [""] * 4)
    return _save_question(form, bank, None)


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@admin_required
def edit_question(question_id: int):
    """Edit a question (exams already sat keep their own copy)."""
    question = _question_or_404(question_id)
    if request.method == "GET":
        form = QuestionForm(obj=question)
        form.tags.data = "，".join(question.tags or [])
        if has_options(question.type):
            form.correct.data = [question.answer] if question.type == "single" else list(question.answer)
        elif question.type == "judge":
            form.judge.data = "true" if question.answer else "false"
        else:
            form.blanks.data = "\n".join("/".join(blank) for blank in question.answer)
        options = [o["text"] for o in question.options] or [""] * 4
        form.reviewed.data = request.args.get("review") == "1"
        return _render_question_form(form, question.bank, question, options)
    return _save_question(QuestionForm(), question.bank, question)


@bp.route("/questions/<int:question_id>/<any(retire, restore):change>", methods=["POST"])
@admin_required
def retire_question(question_id: int, change: str):
    """Retire a question or restore it."""
    question = _question_or_404(question_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.set_retired(current_user, question, change == "retire")
    flash("试题已停用，不再出现在练习和新考试中。" if change == "retire" else "试题已恢复。", "success")
    return redirect(request.form.get("next") if _local_next(request.form.get("next"))
                    else url_for("banks.bank", bank_id=question.bank_id))


# ---------------------------------------------------------------- import

def _settings_args(options: dict) -> dict:
    """The upload settings as query arguments, so that 重新上传 keeps them."""
    return {"bank": options.get("bank_name") or "", "category": options.get("category") or "",
            "valid_only": "1" if options.get("valid_only") else "", "on_duplicate": options.get("on_duplicate") or ""}


def _render_preview(report, filename: str, options: dict, token: str | None):
    health = checkup.import_health(report) if report.ok else None
    return render_template("banks/preview.html", report=report, filename=filename, options=options, health=health,
                           confirm_form=ImportConfirmForm(token=token) if token else None,
                           preview_errors=PREVIEW_ERRORS, categories=CATEGORIES, type_labels=TYPE_LABELS,
                           format_label=FORMAT_LABELS.get(report.format, report.format),
                           again_url=url_for("banks.import_upload", **_settings_args(options)))


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_upload():
    """Step 1: upload a file with the import options; step 2 previews what was read."""
    form = BankImportForm()
    if request.method == "GET":
        form.bank_name.data = request.args.get("bank") or form.bank_name.data
        if request.args.get("category") in CATEGORIES:
            form.category.data = request.args["category"]
        if request.args.get("on_duplicate") in services.DUPLICATE_MODES:
            form.on_duplicate.data = request.args["on_duplicate"]
        form.valid_only.data = request.args.get("valid_only") == "1"
    banks = [b.name for b in db.session.scalars(db.select(QuestionBank).order_by(QuestionBank.name))]
    if not form.validate_on_submit():
        return render_template("banks/import.html", form=form, banks=banks, accepted=",".join(ACCEPTED_EXTENSIONS))
    upload = form.file.data
    filename = upload.filename or "upload"
    data = upload.read()
    options = {"bank_name": (form.bank_name.data or "").strip(), "category": form.category.data,
               "valid_only": bool(form.valid_only.data), "on_duplicate": form.on_duplicate.data}
    parsed = parse_file(filename, data)
    report = services.import_bank(filename, data, options["bank_name"], options["category"], current_user,
                                  dry_run=True, valid_only=options["valid_only"], on_duplicate=options["on_duplicate"],
                                  parsed=parsed)
    # What was parsed is kept, not the file: confirming imports exactly what this preview shows.
    token = uploads.stash(UPLOAD_KIND, current_user, filename, parsed.to_stash(), **options) if report.ok else None
    return _render_preview(report, filename, options, token)


@bp.route("/import/confirm", methods=["POST"])
@admin_required
def import_confirm():
    """Step 3: import the previewed questions with the options chosen at upload."""
    form = ImportConfirmForm()
    upload = uploads.fetch(UPLOAD_KIND, current_user, form.token.data) if form.validate_on_submit() else None
    if upload is None:
        flash("上传已失效，请重新上传题库文件。", "error")
        return redirect(url_for("banks.import_upload"))
    options = upload.options or {}
    report = services.import_bank(upload.filename, b"", options.get("bank_name"), options.get("category"),
                                  current_user, valid_only=bool(options.get("valid_only")),
                                  on_duplicate=options.get("on_duplicate", "skip"),
                                  parsed=ParseResult.from_stash(upload.data))
    if not report.written:
        return _render_preview(report, upload.filename, options, None)
    uploads.discard(upload)
    db.session.commit()
    flash(f"已导入题库“{report.bank_name}”：新增{report.imported}题，更新{report.updated}题，跳过重复{report.skipped}题"
          + (f"，跳过有错误的{len(report.errors)}处" if report.errors else "") + "。", "success")
    return redirect(url_for("banks.bank", bank_id=report.bank_id))
