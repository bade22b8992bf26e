import io
import re
import shutil
import tempfile
import zipfile

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_login import current_user

from cases import access as case_access
from cases.models import Case
from isok import audit, permissions, storage
from isok.confirmation import ask_first, confirmed
from isok.dashboard import NavItem, Panel
from isok.extensions import db
from isok.forms import ActionForm, apply
from isok.i18n import language_name, text_direction
from isok.pdf import render_pdf
from isok.rules import RuleBroken
from isok.translation import force_locale
from isok.translation import gettext as _
from portfolio import access, bp, queries, services
from portfolio.fields import SECTION_FIELDS, TITLE_LABELS, described
from portfolio.forms import CommentForm, QuestionnaireForm, ReviewForm, UploadForm, entry_form
from portfolio.models import EvidenceFile, PortfolioEntry, PortfolioStatus, Section
from portfolio.questionnaire import INTRO, PARTS
from portfolio.summary import summary_context

VIEW, EDIT, REVIEW = permissions.VIEW_PORTFOLIO, permissions.EDIT_PORTFOLIO, permissions.REVIEW_PORTFOLIO


# --- loading, scoped by permissions (not visible or missing: 404) --------------------------------------------------


def _case_or_404(case_id: int) -> Case:
    case = db.session.scalar(access.visible_portfolio_cases(current_user).where(Case.id == case_id))
    if case is None:
        abort(404)
    return case


def _entry_or_404(entry_id: int) -> tuple[PortfolioEntry, Case]:
    entry = queries.entry_with_history(entry_id)
    case = db.session.get(Case, entry.case_id) if entry else None
    if case is None or not access.can_view_portfolio(current_user, case):
        abort(404)
    return entry, case


def _file_or_404(file_id: int) -> tuple[EvidenceFile, Case]:
    evidence = db.session.get(EvidenceFile, file_id)
    case = db.session.get(Case, evidence.entry.case_id) if evidence else None
    if case is None or not access.can_view_portfolio(current_user, case):
        abort(404)
    return evidence, case


def _note_reading(case: Case) -> None:
    """Staff opening a client's portfolio read personal data: leave a trace (the client reading their own does not).

    Only on GET: a form shown again after a POST shows what its GET showed, and the POST's own transaction holds
    the database's write lock that the separate trace would wait for.
    """
    if request.method == "GET" and not case_access.is_own_case(current_user, case):
        audit.record_view(current_user, "client", case.client_id)


def _locked(case: Case):
    flash(_("The portfolio is being reviewed or has been accepted, so it cannot be changed now."), "warning")
    return redirect(url_for("portfolio.overview", case_id=case.id))


def typed_direction(language: str) -> str:
    return text_direction(language)


def detail_label(section: Section, name: str) -> str:
    """The label of a field named in an entry's history, in the reader's language."""
    if name == "title":
        return str(TITLE_LABELS[section])
    if name == "language":
        return _("Language of the text")
    return next((str(spec.label) for spec in SECTION_FIELDS[section] if spec.name == name), name)


# --- the portfolio page --------------------------------------------------------------------------------------------


def _overview_page(case: Case, status_code: int = 200, review_form: ReviewForm | None = None):
    _note_reading(case)
    return render_template(
        "portfolio/overview.html",
        case=case,
        sections=queries.entries_by_section(case.id),
        portfolio=services.portfolio_of(case),
        status=services.portfolio_status(case),
        review_form=review_form or ReviewForm(),
        action_form=ActionForm(),
        language_name=language_name,
        used_mb=services.evidence_bytes_used(case) / (1024 * 1024),
    ), status_code


@bp.get("/cases/<int:case_id>/portfolio")
@permissions.requires(VIEW)
def overview(case_id):
    return _overview_page(_case_or_404(case_id))


@bp.post("/cases/<int:case_id>/portfolio/submit")
@permissions.requires(EDIT)
def submit(case_id):
    case = _case_or_404(case_id)
    if not access.can_edit_portfolio(current_user, case):
        return _locked(case)
    try:
        if not confirmed():
            services.check_submit(current_user, case)
            return ask_first(
                _("Send your portfolio to your counsellor for review? You cannot change it until it is returned."),
                _("Submit for review"),
                url_for("portfolio.overview", case_id=case.id),
            )
        services.submit(current_user, case)
    except RuleBroken as error:
        flash(str(error), "error")
        return redirect(url_for("portfolio.overview", case_id=case.id))
    db.session.commit()
    flash(_("The portfolio was sent to your counsellor for review."), "success")
    return redirect(url_for("portfolio.overview", case_id=case.id))


@bp.post("/cases/<int:case_id>/portfolio/review")
@permissions.requires(REVIEW)
def review(case_id):
    case = _case_or_404(case_id)
    if not access.can_review_portfolio(current_user, case):
        abort(404)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            services.review(current_user, case, form.decision.data == "accept", form.note.data)
        except RuleBroken as error:
            (form.note if error.field == "note" else form.decision).errors.append(str(error))
        else:
            db.session.commit()
            flash(
                _("The portfolio was accepted.")
                if form.decision.data == "accept"
                else _("The portfolio was returned to the client."),
                "success",
            )
            return redirect(url_for("portfolio.overview", case_id=case.id))
    return _overview_page(case, 400, form)


# --- entries -------------------------------------------------------------------------------------------------------


def _entry_page(entry: PortfolioEntry, case: Case, status_code: int = 200, upload_form=None, comment_form=None):
    _note_reading(case)
    return render_template(
        "portfolio/entry.html",
        entry=entry,
        case=case,
        rows=described(entry.section, entry.details),
        upload_form=upload_form or UploadForm(),
        comment_form=comment_form or CommentForm(),
        action_form=ActionForm(),
        language_name=language_name,
        status=services.portfolio_status(case),
    ), status_code


@bp.route("/cases/<int:case_id>/portfolio/new/<section>", methods=["GET", "POST"])
@permissions.requires(EDIT)
def new_entry(case_id, section):
    case = _case_or_404(case_id)
    if section not in Section._value2member_map_:
        abort(404)
    if not access.can_edit_portfolio(current_user, case):
        return _locked(case)
    section = Section(section)
    form = entry_form(section)

    def change():
        return services.add_entry(
            current_user,
            case,
            section,
            form.title.data,
            form.details(),
            form.language.data,
            shareable=form.shareable.data,
        )

    if apply(form, change, default_field="title"):
        entry = form.result
        flash(_("The entry was saved. You can now add files to it."), "success")
        return redirect(url_for("portfolio.entry", entry_id=entry.id))
    return render_template(
        "portfolio/entry_form.html", form=form, case=case, section=section, entry=None
    ), 400 if form.errors else 200


@bp.get("/portfolio/entries/<int:entry_id>")
@permissions.requires(VIEW)
def entry(entry_id):
    return _entry_page(*_entry_or_404(entry_id))


@bp.route("/portfolio/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@permissions.requires(EDIT)
def edit_entry(entry_id):
    entry, case = _entry_or_404(entry_id)
    if not access.can_edit_portfolio(current_user, case):
        return _locked(case)
    form = entry_form(entry.section)
    if request.method == "GET":
        form = entry_form(
            entry.section,
            data={
                "title": entry.title,
                "language": entry.language,
                "version": entry.version,
                "shareable": entry.shareable,
                **entry.details,
            },
        )
    elif form.validate_on_submit():
        try:
            services.update_entry(
                current_user,
                entry,
                form.title.data,
                form.details(),
                form.language.data,
                form.version.data,
                shareable=form.shareable.data,
            )
        except RuleBroken as error:
            db.session.rollback()
            form[error.field or "title"].errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The entry was saved."), "success")
            return redirect(url_for("portfolio.entry", entry_id=entry_id))
    return render_template(
        "portfolio/entry_form.html", form=form, case=case, section=entry.section, entry=entry
    ), 400 if form.errors else 200


@bp.post("/portfolio/entries/<int:entry_id>/delete")
@permissions.requires(EDIT)
def delete_entry(entry_id):
    entry, case = _entry_or_404(entry_id)
    if not access.can_edit_portfolio(current_user, case):
        return _locked(case)
    if not confirmed():
        return ask_first(
            _("Remove the entry “%(title)s” and its files? This cannot be undone.", title=entry.title),
            _("Remove the entry"),
            url_for("portfolio.entry", entry_id=entry.id),
            danger=True,
        )
    services.delete_entry(current_user, entry)
    db.session.commit()
    flash(_("The entry was removed."), "success")
    return redirect(url_for("portfolio.overview", case_id=case.id))


@bp.post("/portfolio/entries/<int:entry_id>/files")
@permissions.requires(EDIT)
def upload(entry_id):
    entry, case = _entry_or_404(entry_id)
    if not access.can_edit_portfolio(current_user, case):
        return _locked(case)
    form = UploadForm()
    if form.validate_on_submit():
        uploads = [services.Upload(part.filename, part.stream) for part in request.files.getlist("files")]
        try:
            stored = services.add_evidence(current_user, entry, uploads)
        except services.UploadRejected as error:
            db.session.rollback()
            form.files.errors.extend(error.messages)
        else:
            db.session.commit()
            flash(_("Files added: %(n)d.", n=len(stored)), "success")
            return redirect(url_for("portfolio.entry", entry_id=entry_id))
    entry, case = _entry_or_404(entry_id)
    return _entry_page(entry, case, 400, upload_form=form)


@bp.get("/portfolio/files/<int:file_id>")
@permissions.requires(VIEW)
def download(file_id):
    evidence, case = _file_or_404(file_id)
    if not storage.exists(evidence.digest):
        abort(404)
    _note_reading(case)
    return send_file(
        storage.open_file(evidence.digest),
        mimetype=evidence.media_type,
        as_attachment=True,
        download_name=evidence.filename,
        max_age=0,
    )


@bp.post("/portfolio/files/<int:file_id>/delete")
@permissions.requires(EDIT)
def delete_file(file_id):
    evidence, case = _file_or_404(file_id)
    if not access.can_edit_portfolio(current_user, case):
        return _locked(case)
    entry_id = evidence.entry_id
    if not confirmed():
        return ask_first(
            _("Remove the file “%(name)s”? This cannot be undone.", name=evidence.filename),
            _("Remove the file"),
            url_for("portfolio.entry", entry_id=entry_id),
            danger=True,
        )
    services.remove_evidence(current_user, evidence)
    db.session.commit()
    flash(_("The file was removed."), "success")
    return redirect(url_for("portfolio.entry", entry_id=entry_id))


@bp.post("/portfolio/entries/<int:entry_id>/comments")
@permissions.requires(REVIEW)
def comment(entry_id):
    entry, case = _entry_or_404(entry_id)
    if not access.can_review_portfolio(current_user, case):
        abort(404)
    form = CommentForm()
    if form.validate_on_submit():
        services.comment(current_user, entry, form.text.data)
        db.session.commit()
        flash(_("The comment was saved. The client sees it with the entry."), "success")
        return redirect(url_for("portfolio.entry", entry_id=entry_id))
    return _entry_page(entry, case, 400, comment_form=form)


# --- the identification questionnaire ------------------------------------------------------------------------------


def _questionnaire_languages(case: Case) -> list[str]:
    """The client's language and the counsellor's, so both read each question in their own."""
    client_user = case.client.user
    client_language = (
        (client_user.locale if client_user and client_user.locale else None) or case.client.preferred_language or "fi"
    )
    if case_access.is_own_case(current_user, case):
        counsellor = case.counsellor
        staff_language = (counsellor.locale if counsellor and counsellor.locale else None) or "fi"
    else:
        staff_language = str(get_locale())
    return [client_language] if client_language == staff_language else [client_language, staff_language]


def _questionnaire_page(case: Case, form: QuestionnaireForm, status_code: int = 200):
    _note_reading(case)
    languages = _questionnaire_languages(case)
    labels = {}
    for code in languages:
        with force_locale(code):
            labels[code] = {
                "intro": INTRO.get(code, INTRO["en"]),
                **{part.key: part.text(code) for part in PARTS},
                **{question.key: question.text(code) for part in PARTS for question in part.questions},
            }
    return render_template(
        "portfolio/questionnaire.html",
        case=case,
        form=form,
        parts=PARTS,
        languages=languages,
        labels=labels,
        editable=access.can_edit_portfolio(current_user, case),
        staff=access.can_review_portfolio(current_user, case),
    ), status_code


@bp.get("/cases/<int:case_id>/portfolio/questionnaire")
@permissions.requires(VIEW)
def questionnaire(case_id):
    case = _case_or_404(case_id)
    saved = services.questionnaire_of(case)
    data = {"language": saved.language, "version": saved.version, **saved.answers} if saved else {}
    return _questionnaire_page(case, QuestionnaireForm(data=data))


@bp.post("/cases/<int:case_id>/portfolio/questionnaire")
@permissions.requires(EDIT)
def save_questionnaire(case_id):
    case = _case_or_404(case_id)
    if not access.can_edit_portfolio(current_user, case):
        return _locked(case)
    form = QuestionnaireForm()
    if form.validate_on_submit():
        answers = {
            part_question.key: form[part_question.key].data for part in PARTS for part_question in part.questions
        }
        try:
            services.save_questionnaire(current_user, case, answers, form.language.data, form.version.data)
        except RuleBroken as error:
            db.session.rollback()
            form.language.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The answers were saved, and carried into the portfolio."), "success")
            return redirect(url_for("portfolio.overview", case_id=case.id))
    return _questionnaire_page(case, form, 400)


# --- summary and downloads -----------------------------------------------------------------------------------------


@bp.get("/cases/<int:case_id>/portfolio/summary")
@permissions.requires(VIEW)
def summary(case_id):
    case = _case_or_404(case_id)
    _note_reading(case)
    return render_template("portfolio/summary.html", case=case, summary=summary_context(case))


@bp.get("/cases/<int:case_id>/portfolio/summary.pdf")
@permissions.requires(VIEW)
def summary_pdf(case_id):
    case = _case_or_404(case_id)
    _note_reading(case)
    lang = str(get_locale())
    pdf = render_pdf("portfolio/summary_pdf.html", {"summary": summary_context(case)}, lang=lang)
    return send_file(
        io.BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"portfolio-{case.id}.pdf",
        max_age=0,
    )


def _slug(text: str, limit: int = 40) -> str:
    return re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-")[:limit] or "entry"


@bp.get("/cases/<int:case_id>/portfolio/evidence.zip")
@permissions.requires(VIEW)
def evidence_zip(case_id):
    """All evidence files in one ZIP, built in a temporary file on disk and streamed from there."""
    case = _case_or_404(case_id)
    _note_reading(case)
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (send_file closes it once the response is sent)
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in queries.case_entries(case.id):
            folder = f"{entry.section.value}/{entry.id}-{_slug(entry.title)}"
            for evidence in entry.evidence:
                if storage.exists(evidence.digest):
                    with (
                        storage.open_file(evidence.digest) as stored,
                        archive.open(f"{folder}/{evidence.id}-{evidence.filename}", "w") as member,
                    ):
                        shutil.copyfileobj(stored, member, storage.CHUNK)
    spool.seek(0)
    return send_file(
        spool, mimetype="application/zip", as_attachment=True, download_name=f"portfolio-{case.id}.zip", max_age=0
    )


# --- panels and menu -----------------------------------------------------------------------------------------------


def case_panel(user, case) -> Panel | None:
    if not access.can_view_portfolio(user, case):
        return None
    counts, files = queries.section_counts(case.id)
    return Panel(
        "portfolio/_case_panel.html",
        {"case": case, "status": services.portfolio_status(case), "counts": counts, "files": files},
        order=30,
    )


def dashboard_panel(user) -> Panel | None:
    if permissions.can(user, REVIEW):
        waiting = queries.waiting_for_review(user)
        return Panel("portfolio/_review_panel.html", {"waiting": waiting}, order=40) if waiting else None
    if permissions.can(user, EDIT):
        cases = queries.own_cases(user)
        if cases:
            return Panel(
                "portfolio/_client_panel.html",
                {"cases": [(case, services.portfolio_status(case)) for case in cases]},
                order=10,
            )
    return None


def nav(user) -> list[NavItem]:
    if permissions.can(user, REVIEW) or not permissions.can(user, EDIT):
        return []
    cases = queries.own_cases(user)
    return [NavItem(_("My portfolio"), url_for("portfolio.overview", case_id=cases[0].id))] if cases else []


STATUS_BADGES = {
    PortfolioStatus.DRAFT: "badge",
    PortfolioStatus.SUBMITTED: "badge badge-info",
    PortfolioStatus.RETURNED: "badge badge-warn",
    PortfolioStatus.ACCEPTED: "badge badge-ok",
}


def status_badge(status: PortfolioStatus) -> str:
    return STATUS_BADGES[status]
