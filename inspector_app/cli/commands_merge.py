"""`inspector-app merge`: the office merges pushed batches into the central database.

`merge --central URL --summary YYYY-MM` prints the month's central summary and ranking instead (summary.py).

Exit 0 when every bundle merged (or had been merged before) without conflict; 1 when one was quarantined or
refused, or a row conflicted — the report says which, so a scheduled job can alert someone.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cryptography import x509
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.identity.storage import load_certificates
from inspector_app.core.merge import (
    BundleOutcome,
    ShareReport,
    merge_files,
    merge_share,
    open_central,
)
from inspector_app.core.merge.database import check_central_url, files_beside
from inspector_app.core.merge.summary import central_summary
from inspector_app.core.summary import parse_month
from inspector_app.core.summary_export import render


def register(commands: argparse._SubParsersAction) -> None:
    merge = commands.add_parser("merge", help=tr("office: merge pushed batches into the central database"))
    merge.add_argument("--central", required=True, metavar="URL",
                       help=tr("central database URL, e.g. sqlite:///D:/office/central.db"))
    merge.add_argument("--share", metavar="PATH", help=tr("merge every batch in the shared folder's incoming/"))
    merge.add_argument("bundles", nargs="*", metavar="BUNDLE", help=tr("batch files to merge (not moved)"))
    merge.add_argument("--files", metavar="DIR",
                       help=tr("where photos, signatures and sheets are kept (default: files/ beside a SQLite "
                               "central database)"))
    merge.add_argument("--office-dir", metavar="DIR", help=tr("trust the office certificate in this office folder"))
    merge.add_argument("--trust", action="append", default=[], metavar="CERT.pem",
                       help=tr("trust this office certificate (may be repeated)"))
    merge.add_argument("--jobs", type=int, default=1, metavar="N",
                       help=tr("check batches in N worker processes beside the one writing (default 1)"))
    merge.add_argument("--summary", metavar="YYYY-MM",
                       help=tr("instead of merging: the month's summary and ranking from the central database"))
    merge.add_argument("--format", choices=("table", "json"), default="table", help=tr("summary output format"))
    merge.add_argument("--seal", action="store_true",
                       help=tr("seal each signed sheet merged with the office's CRL and timestamp (PAdES B-LTA); "
                               "needs the office passphrase"))
    merge.add_argument("--passphrase-file", metavar="FILE",
                       help=tr("with --seal: read the office passphrase from the first line of FILE (else "
                               "$INSPECTOR_APP_PASSPHRASE, else a prompt on a terminal)"))
    merge.set_defaults(handler=run_merge)


def _trusted(args: argparse.Namespace) -> list[x509.Certificate]:
    trusted = [load_office_certificate(Path(args.office_dir).expanduser())] if args.office_dir else []
    for item in args.trust:
        trusted += load_certificates(Path(item).expanduser())
    if not trusted:
        raise AppError(tr("Say whose signatures to trust: --office-dir DIR or --trust CERT.pem."))
    return trusted


def _files_dir(args: argparse.Namespace) -> Path:
    if args.files:
        return Path(args.files).expanduser()
    try:
        make_url(args.central)
    except ArgumentError:
        raise AppError(tr("The central database URL is not one the office can open ({detail}).",
                          detail="ArgumentError")) from None
    beside = files_beside(args.central)
    if beside is not None:
        return beside
    raise AppError(tr("Give --files DIR: where to keep photos, signatures and sheets."))


def _line(outcome: BundleOutcome) -> str:
    if outcome.status in ("quarantined", "refused"):
        label = tr("quarantined") if outcome.status == "quarantined" else tr("refused")
        return tr("{name}: {label} ({code}): {message}", name=outcome.name, label=label,
                  code=outcome.reason_code, message=outcome.message)
    if outcome.status == "gone":
        return tr("{name}: taken by another merge", name=outcome.name)
    if outcome.status == "already_merged":
        return tr("{name}: merged before, nothing changed", name=outcome.name)
    result = outcome.result
    assert result is not None
    return tr("{name}: merged: {inserted} new, {unchanged} unchanged, {conflicts} conflict(s)", name=outcome.name,
              inserted=result.inserted, unchanged=result.unchanged, conflicts=len(result.conflicts))


def _print(report: ShareReport) -> None:
    for outcome in report.outcomes:
        print(_line(outcome))
        for conflict in outcome.result.conflicts if outcome.result else ():
            print("  " + tr("conflict: {entity} {id} differs from the central copy (kept aside)",
                            entity=conflict.entity, id=conflict.entity_id))
    merged = sum(o.status in ("merged", "already_merged") for o in report.outcomes)
    conflicts = sum(len(o.result.conflicts) for o in report.with_conflicts if o.result)
    print(tr("{merged} of {total} batch(es) merged, {refused} quarantined or refused, {conflicts} conflict(s).",
             merged=merged, total=len(report.outcomes), refused=len(report.refused), conflicts=conflicts))


def run_summary(args: argparse.Namespace) -> int:
    month = parse_month(args.summary)
    central = open_central(args.central)
    try:
        summary = central_summary(central, month)
    finally:
        central.close()
    # the same tables as a laptop's month (summary_export), over every inspector's merged work
    if args.format == "json":
        print(render(summary, "json"), end="")
    else:
        print(tr("Central summary {month}", month=summary.month) + "\n\n" + render(summary, "table"), end="")
    return 0


def run_merge(args: argparse.Namespace) -> int:
    if args.summary:
        return run_summary(args)
    if bool(args.share) == bool(args.bundles):
        raise AppError(tr("Give either --share PATH or batch files, not both and not neither."))
    check_central_url(args.central)  # a relative or network SQLite path: said before anything else is looked at
    trusted = _trusted(args)
    files = _files_dir(args)
    if args.share and not Path(args.share).is_dir():
        raise AppError(tr("The shared folder {path} cannot be reached.", path=args.share))
    seal = _office_seal(args) if args.seal else None  # a wrong passphrase is said before anything is merged
    central = open_central(args.central)
    try:
        if args.share:
            report = merge_share(central, Path(args.share).expanduser(), trusted, files, jobs=max(1, args.jobs))
        else:
            report = merge_files(central, [Path(b).expanduser() for b in args.bundles], trusted, files,
                                 jobs=max(1, args.jobs))
        _print(report)
        if seal is not None or args.office_dir:  # the office folder's revocations the database lacks
            print_recorded_revocations(central, _office_folder(args))
        sealed_ok = True
        if seal is not None:
            from inspector_app.office.sealing import pending_sheets

            batches = [o.result.batch_id for o in report.outcomes if o.result is not None]
            sealed_ok = seal_and_print(central, files, seal, pending_sheets(central, batches))
    finally:
        central.close()
    return 0 if report.clean and sealed_ok else 1


def _office_folder(args: argparse.Namespace) -> Path:
    """--office-dir, else the office folder in the data folder."""
    from inspector_app.core.identity import default_office_dir
    from inspector_app.core.paths import resolve_data_dir

    return Path(args.office_dir).expanduser() if args.office_dir else default_office_dir(resolve_data_dir(args.data_dir))


def _office_seal(args: argparse.Namespace):
    from inspector_app.core.identity import resolve_passphrase
    from inspector_app.core.identity.timestamping import load_office_seal

    folder = _office_folder(args)
    load_office_certificate(folder)
    passphrase = resolve_passphrase(None, args.passphrase_file, prompt=tr("Office passphrase: "))
    return load_office_seal(folder, passphrase)


def print_recorded_revocations(central, office_dir: Path) -> None:
    """Copy the office folder's revocations the central database lacks into it, and say so when there were."""
    from inspector_app.office.revocations import record_revocations

    recorded = record_revocations(central, office_dir)
    if recorded.added:
        print(tr("{count} revocation(s) from the office folder recorded in the central database.",
                 count=len(recorded.added)))


def seal_and_print(central, files: Path, seal, documents) -> bool:
    """Seal the sheets, one line each and a total; True when none failed."""
    import getpass

    from inspector_app.office.sealing import describe, seal_sheets

    outcomes = seal_sheets(central, files, seal, documents, by=getpass.getuser())
    for outcome in outcomes:
        print(describe(outcome))
    failed = sum(o.status == "failed" for o in outcomes)
    print(tr("{sealed} sheet(s) sealed, {failed} left pending.", sealed=len(outcomes) - failed, failed=failed))
    return failed == 0
