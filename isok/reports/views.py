import click
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from isok import audit, dashboard, permissions, routing
from isok.extensions import db
from isok.forms import ActionForm, act, choices
from isok.network import queries as network
from isok.network.models import DEFAULT_SUPPRESSION_THRESHOLD, HalfYear, RuleSet
from isok.reports import access, bp, exports, freshness, indicators, publication, services
from isok.reports.forms import CorrectionForm, ReportOptionsForm, ResultsForm
from isok.reports.indicators import COLUMNS
from isok.reports.models import Participation, SubmittedReport
from isok.translation import force_locale
from isok.translation import gettext as _

VIEW = permissions.VIEW_REPORTS
PER_PAGE = 50


def _period_or_404(code: str) -> HalfYear:
    try:
        return HalfYear.parse(code)
    except ValueError:
        abort(404)


def _participation_or_404(participation_id: int) -> Participation:
    found = db.session.scalar(access.visible_participations(current_user).where(Participation.id == participation_id))
    return found if found is not None else abort(404)


def _threshold() -> int:
    settings = network.project_settings()
    return settings.suppression_threshold if settings else DEFAULT_SUPPRESSION_THRESHOLD


def _options(period: HalfYear) -> ReportOptionsForm:
    form = ReportOptionsForm(request.args)
    form.period.choices = choices((p.code, p.code) for p in services.project_periods())
    form.period.data = period.code
    if form.scope.data not in services.SCOPES:
        form.scope.data = "period"
    if form.rules.data not in {rule.value for rule in RuleSet} or form.public.data:
        form.rules.data = services.report_rule_set().value  # published reports follow the project's rules only
    return form


def _cache_key(period: HalfYear, options: ReportOptionsForm) -> str:
    return freshness.cache_key(
        period.code,
        options.scope.data,
        options.rules.data,
        options.public.data,
        services.today(),
        str(get_locale() or "en"),
    )


def _report_data(period: HalfYear, options: ReportOptionsForm) -> dict:
    """The report, or its public version, as computed once for the current data and report date."""
    public, scope, rules = options.public.data, options.scope.data, options.rules.data

    def compute() -> dict:
        if public:
            return publication.public_report(period, scope, _threshold())
        return services.compute_report(period, scope, rule_set=RuleSet(rules)).as_dict()

    return freshness.cached(_cache_key(period, options), compute)


def _figures(period: HalfYear, options: ReportOptionsForm, data: dict) -> Markup:
    """The page's charts and tables, rendered once per computed report (with drill-down links or without)."""
    links = permissions.can(current_user, permissions.VIEW_REPORT_RECORDS) and not data.get("suppression")

    def render() -> dict:
        return {
            "html": render_template(
                "reports/_figures.html",
                data=data,
                charts=exports.report_charts(data),
                column_labels=exports.column_labels(data),
                links=links,
                shown_columns=exports.shown_columns,
                query={"rules": data["rule_set"]},
            )
        }

    html = freshness.cached(f"{_cache_key(period, options)}|figures|{int(links)}", render)["html"]
    return Markup(html)  # noqa: S704 (rendered by the autoescaping template above, then kept as it was)


def _query_args(options: ReportOptionsForm) -> dict:
    args = {"scope": options.scope.data, "rules": options.rules.data}
    return {**args, "public": "y"} if options.public.data else args


@bp.get("/")
@permissions.requires(VIEW)
def index():
    periods = services.project_periods()
    current = HalfYear.containing(services.today())
    if request.args.get("period"):
        return redirect(
            url_for(
                "reports.report",
                period=_period_or_404(request.args["period"]).code,
                **{k: v for k, v in request.args.items() if k != "period"},
            )
        )
    submitted = {report.code: report for report in db.session.scalars(select(SubmittedReport))}
    return render_template(
        "reports/index.html", periods=periods, current=current, submitted=submitted, settings=network.project_settings()
    )


@bp.get("/<period>")
@permissions.requires(VIEW)
def report(period):
    period = _period_or_404(period)
    options = _options(period)
    data = _report_data(period, options)
    return render_template(
        "reports/report.html",
        data=data,
        figures=_figures(period, options, data),
        options=options,
        query_args=_query_args(options),
        period=period,
        can_submit=period.ends_on < services.today(),
        submit_form=ActionForm(),
        formats=exports.FORMATS,
    )


@bp.get("/<period>/export.<fmt>")
@permissions.requires(VIEW)
def download(period, fmt):
    period = _period_or_404(period)
    if fmt not in exports.FORMATS:
        abort(404)
    options = _options(period)
    data = _report_data(period, options)
    try:
        body = exports.export(data, fmt, lang=str(get_locale() or "en"))
    except exports.PdfUnavailable:
        abort(503)
    suffix = "-public" if options.public.data else ""
    name = f"esf-report-{period.code}-{options.scope.data}{suffix}.{fmt}"
    return Response(
        body, mimetype=exports.FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.post("/<period>/submit")
@permissions.requires(permissions.SUBMIT_REPORTS)
def submit(period):
    period = _period_or_404(period)
    act(
        lambda: services.submit_report(current_user, period),
        _("The report of %(period)s was submitted; its figures are frozen.", period=period.code),
    )
    return redirect(url_for("reports.report", period=period.code))


@bp.get("/<period>/corrections")
@permissions.requires(VIEW)
def corrections(period):
    period = _period_or_404(period)
    submitted = services.submitted_report(period) or abort(404)
    changes = services.correction_report(submitted)
    return render_template(
        "reports/corrections.html",
        period=period,
        submitted=submitted,
        changes=changes,
        column_labels={key: str(label) for key, label in COLUMNS.items()},
    )


@bp.get("/<period>/records/<scope>/<table>/<row>/<column>")
@permissions.requires(permissions.VIEW_REPORT_RECORDS)
def records(period, scope, table, row, column):
    period = _period_or_404(period)
    rules = request.args.get("rules")
    rule_set = RuleSet(rules) if rules in {rule.value for rule in RuleSet} else None
    query = services.records_behind(period, scope, table, row, column, rule_set=rule_set)
    if query is None:
        abort(404)
    visible = access.visible_participations(current_user).with_only_columns(Participation.id)
    page = routing.page_number(PER_PAGE)
    found = (
        db.session.scalars(
            query.where(Participation.id.in_(visible))
            .options(joinedload(Participation.client))
            .limit(PER_PAGE + 1)
            .offset((page - 1) * PER_PAGE)
        )
        .unique()
        .all()
    )
    shown = found[:PER_PAGE]
    audit.record(
        current_user,
        "esf_report_records_viewed",
        object_type="esf_report",
        changes={
            "period": period.code,
            "scope": scope,
            "table": table,
            "row": row,
            "column": column,
            "page": page,
            "participations": [p.id for p in shown],
        },
    )
    db.session.commit()
    spec, indicator = indicators.indicator(table, row, rule_set or services.report_rule_set())
    return render_template(
        "reports/records.html",
        period=period,
        scope=scope,
        table=spec,
        indicator=indicator,
        column=COLUMNS[column],
        participations=shown,
        page=page,
        has_next=len(found) > PER_PAGE,
        missing=services.missing_core_data,
        client_page="cases.client" in current_app.view_functions,
        args={"rules": rules} if rule_set else {},
    )


# --- one participation record ------------------------------------------------------------------------------------


def _correction_form(participation: Participation, formdata=None) -> CorrectionForm:
    form = CorrectionForm(formdata=formdata, obj=None if formdata else participation)
    if formdata is None:
        form.labour_status.data = participation.labour_status.value if participation.labour_status else ""
        form.isced_level.data = "" if participation.isced_level is None else str(participation.isced_level)
        form.reason.data = ""
    return form


def _results_form(participation: Participation, formdata=None) -> ResultsForm:
    result = participation.result
    form = ResultsForm(formdata=formdata, obj=None if formdata else result)
    if formdata is None:
        form.version.data = result.version if result else ""
        form.responded.data = {True: "yes", False: "no"}.get(result.responded if result else None, "")
        form.better_situation.data = result.better_situation.value if result and result.better_situation else ""
    return form


def _participation_page(participation, correction_form=None, results_form=None, status=200):
    return render_template(
        "reports/participation.html",
        participation=participation,
        correction_form=correction_form or _correction_form(participation),
        results_form=results_form or _results_form(participation),
        differences=services.entry_differences(participation),
        missing=services.missing_core_data(participation),
        client_page="cases.client" in current_app.view_functions,
    ), status


@bp.get("/participants/<int:participation_id>")
@permissions.requires(permissions.VIEW_REPORT_RECORDS)
def participation(participation_id):
    record = _participation_or_404(participation_id)
    audit.record_view(current_user, "participation", record.id)
    return _participation_page(record)


@bp.post("/participants/<int:participation_id>/correct")
@permissions.requires(permissions.CORRECT_PARTICIPATION)
def correct(participation_id):
    record = _participation_or_404(participation_id)
    form = _correction_form(record, request.form)
    if form.validate():
        try:
            services.correct_participation(current_user, record, reason=form.reason.data, **form.entry_fields())
        except services.ReportError as error:
            db.session.rollback()
            record = _participation_or_404(participation_id)
            getattr(form, error.field or "reason", form.reason).errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The correction was saved."), "success")
            return redirect(url_for("reports.participation", participation_id=record.id))
    return _participation_page(record, correction_form=form, status=400)


@bp.post("/participants/<int:participation_id>/results")
@permissions.requires(permissions.CORRECT_PARTICIPATION)
def record_results(participation_id):
    record = _participation_or_404(participation_id)
    form = _results_form(record, request.form)
    if form.validate():
        try:
            services.record_results(
                current_user,
                record,
                form.version.data,
                qualification_gained=form.qualification_gained.data,
                responded=form.responded_value(),
                better_situation=form.better_situation.data,
            )
            db.session.commit()
        except (services.ReportError, StaleDataError) as error:
            db.session.rollback()
            record = _participation_or_404(participation_id)
            field = getattr(error, "field", None) or "better_situation"
            message = (
                str(error)
                if isinstance(error, services.ReportError)
                else _(
                    "Someone else saved these results while you were editing them. Reload the page to see their "
                    "changes, then apply yours again."
                )
            )
            (form.form_errors if field == "version" else getattr(form, field).errors).append(message)
        else:
            flash(_("The results were saved."), "success")
            return redirect(url_for("reports.participation", participation_id=record.id))
    return _participation_page(record, results_form=form, status=400)


# --- menu and command line -------------------------------------------------------------------------------------


def nav(user):
    return [dashboard.NavItem(_("ESF report"), url_for("reports.index"))] if permissions.can(user, VIEW) else []


@bp.cli.command("esf-report")
@click.option("--period", "period_code", required=True, help="The half-year, e.g. 2026H1.")
@click.option("--format", "fmt", type=click.Choice(list(exports.FORMATS)), default="json", show_default=True)
@click.option("--cumulative", is_flag=True, help="Cumulative figures from the project start to the period's end.")
@click.option("--rules", type=click.Choice([rule.value for rule in RuleSet]), help="Indicator definitions to apply.")
@click.option("--public", is_flag=True, help="Hide small numbers, as for publication (under the project's rules).")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Report date (default: today).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
@click.option("--lang", default="en", show_default=True, help="Language of labels.")
def esf_report_command(period_code, fmt, cumulative, rules, public, as_of, output, lang):
    """Produce the ESF report of a half-year (the same as the report page's downloads)."""
    try:
        period = HalfYear.parse(period_code)
    except ValueError as error:
        raise click.BadParameter(f"{period_code} is not a half-year such as 2026H1", param_hint="--period") from error
    services.sync_participations()
    db.session.commit()
    with force_locale(lang):
        scope, as_of = "cumulative" if cumulative else "period", as_of.date() if as_of else None
        if public:
            data = publication.public_report(period, scope, _threshold(), as_of=as_of)
        else:
            data = services.compute_report(
                period, scope, rule_set=RuleSet(rules) if rules else None, as_of=as_of
            ).as_dict()
        try:
            body = exports.export(data, fmt, lang=lang)
        except exports.PdfUnavailable as error:
            raise click.ClickException("PDF rendering is not available (isok.pdf is missing)") from error
    if output:
        with open(output, "wb") as out:
            out.write(body)
    else:
        click.echo(body, nl=False)
