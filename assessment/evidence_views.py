"""The evidence map (coverage matrix) and the triangulation matrix of a case."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from assessment import bp, evidence_services
from assessment.evidence_forms import MappingForm
from assessment.models import EvidenceLink
from assessment.placement_views import case_or_404
from cases.models import Case
from isok import permissions
from isok.extensions import db
from isok.forms import ActionForm, choices
from isok.i18n import localized
from isok.translation import gettext as _


def _staff_case_or_404(case_id: int) -> Case:
    case = case_or_404(case_id)
    if not permissions.can_view_case_assessment(current_user, case):
        abort(404)
    return case


def _mapping_form(case: Case) -> MappingForm:
    form = MappingForm()
    form.outcome_id.choices = choices([(0, _("Choose…"))] + [
        (o.id, f"{unit.code} · {o.code} {localized(o.text)}")
        for unit, outcomes in evidence_services.case_outcomes(case) for o in outcomes])
    items = [("", _("Choose…"))]
    for entry in evidence_services.portfolio_items(case):
        items.append((f"entry:{entry.id}", f"{entry.section.label}: {entry.title}"))
        items += [(f"file:{entry.id}:{f.id}", f"{entry.title} · {f.filename}") for f in entry.evidence]
    form.item.choices = choices(items)
    return form


def _coverage_page(case: Case, form: MappingForm, status: int = 200):
    links = evidence_services.case_links(case)
    by_outcome: dict[int, list[EvidenceLink]] = {}
    for link in links:
        by_outcome.setdefault(link.outcome_id, []).append(link)
    units = evidence_services.case_outcomes(case)
    total = sum(len(outcomes) for _unit, outcomes in units)
    covered = sum(1 for _unit, outcomes in units for o in outcomes if by_outcome.get(o.id))
    return render_template("assessment/assessments/evidence_map.html", case=case, form=form, units=units,
                           by_outcome=by_outcome, total=total, covered=covered, action_form=ActionForm(),
                           mapping=permissions.can_map_evidence(current_user, case)), status


@bp.route("/cases/<int:case_id>/evidence-map", methods=["GET", "POST"])
@permissions.requires(permissions.VIEW_ASSESSMENTS)
def evidence_map(case_id):
    case = _staff_case_or_404(case_id)
    form = _mapping_form(case)
    if form.is_submitted():
        if not permissions.can_map_evidence(current_user, case):
            abort(403)
        if form.validate():
            kind, *ids = form.item.data.split(":")
            entry_id = int(ids[0]) if ids and ids[0].isdigit() else None
            file_id = int(ids[1]) if kind == "file" and len(ids) > 1 and ids[1].isdigit() else None
            try:
                evidence_services.map_evidence(current_user, case, outcome_id=form.outcome_id.data,
                                               entry_id=entry_id, file_id=file_id, note=form.note.data)
            except evidence_services.EvidenceError as error:
                db.session.rollback()
                getattr(form, error.field or "item").errors.append(str(error))
            else:
                db.session.commit()
                flash(_("The item is mapped to the learning outcome."), "success")
                return redirect(url_for("assessment.evidence_map", case_id=case.id))
        return _coverage_page(case, form, 400)
    return _coverage_page(case, form)


@bp.post("/cases/<int:case_id>/evidence-map/<int:link_id>/delete")
@permissions.requires(permissions.MAP_EVIDENCE)
def unmap_evidence(case_id, link_id):
    case = _staff_case_or_404(case_id)
    link = db.session.get(EvidenceLink, link_id)
    if link is None or link.case_id != case.id:
        abort(404)
    evidence_services.unmap_evidence(current_user, link)
    db.session.commit()
    flash(_("The mapping was removed."), "success")
    return redirect(url_for("assessment.evidence_map", case_id=case.id))


@bp.get("/cases/<int:case_id>/triangulation")
@permissions.requires(permissions.VIEW_ASSESSMENTS)
def triangulation(case_id):
    case = _staff_case_or_404(case_id)
    return render_template("assessment/assessments/triangulation.html", case=case,
                           units=evidence_services.triangulation(case), minimum=evidence_services.MIN_SOURCES)
