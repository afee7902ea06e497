"""`inspector-app documents list|reprint|block|prefix`: the register of issued documents on this laptop."""

from __future__ import annotations

import argparse
from pathlib import Path

from inspector_app.cli.common import open_workspace
from inspector_app.core.i18n import language, tr


def register(commands: argparse._SubParsersAction) -> None:
    documents = commands.add_parser("documents", help=tr("the register of issued documents (发文登记)"))
    sub = documents.add_subparsers(dest="documents_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help=tr("list issued documents: number, kind, department, time, SHA-256, "
                                             "copies, reprints"))
    listing.add_argument("--kind", choices=("sheet", "notice", "bulletin"))
    listing.add_argument("--export", metavar="FILE.csv|FILE.xlsx", help=tr("write the register to a file"))
    listing.set_defaults(handler=list_documents)
    reprint = sub.add_parser("reprint", help=tr("print a rectification notice again (补打): same number, marked "
                                                "with today's date"))
    reprint.add_argument("number")
    reprint.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    reprint.add_argument("--copies", type=int, default=1)
    reprint.set_defaults(handler=reprint_document)
    block = sub.add_parser("block", help=tr("set this laptop's block of register numbers, as the office assigned "
                                            "it (block 3 numbers 3001–3999 each year)"))
    block.add_argument("block", type=int, metavar="N")
    block.set_defaults(handler=set_block)
    prefix = sub.add_parser("prefix", help=tr("set the prefix of notice numbers (e.g. 院办督改)"))
    prefix.add_argument("prefix")
    prefix.add_argument("--bulletin", action="store_true",
                        help=tr("set the prefix of monthly bulletins instead (e.g. 院办督通)"))
    prefix.set_defaults(handler=set_prefix)


def list_documents(args: argparse.Namespace) -> int:
    from inspector_app.core.documents.register import (
        document_register,
        export_register,
        register_cells,
        register_header,
    )
    from inspector_app.core.texttable import render_table

    with open_workspace(args, write=False) as ws:
        rows = document_register(ws, args.kind)
    lang = language()
    if args.export:
        export_register(rows, Path(args.export), lang)
        print(tr("Register written ({n} documents): {path}", n=len(rows), path=args.export))
        return 0
    if not rows:
        print(tr("No document has been issued on this laptop yet."))
        return 0
    cells = [register_cells(r, lang) for r in rows]
    for row in cells:
        row[4] = str(row[4])[:12]  # the short hash on screen; the export has it whole
    print(render_table(register_header(lang), cells))
    return 0


def reprint_document(args: argparse.Namespace) -> int:
    from inspector_app.core.documents.issue import reprint_notice

    with open_workspace(args, write=True) as ws:
        pdf = reprint_notice(ws, args.number, copies=args.copies)
    target = Path(args.output)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf)
    print(tr("Notice {number} reprinted (补打), {copies} copies: {path}", number=args.number, copies=args.copies,
             path=target))
    return 0


def set_block(args: argparse.Namespace) -> int:
    with open_workspace(args, write=True) as ws:
        documents = ws.settings.documents.model_copy(update={"register_block": args.block})
        ws.update_settings(documents=documents.model_dump())
    print(tr("Register numbers of this laptop now come from block {block} ({first}–{last} each year).",
             block=args.block, first=args.block * 1000 + 1, last=args.block * 1000 + 999))
    return 0


def set_prefix(args: argparse.Namespace) -> int:
    with open_workspace(args, write=True) as ws:
        field = "bulletin_prefix" if args.bulletin else "notice_prefix"
        documents = ws.settings.documents.model_copy(update={field: args.prefix})
        ws.update_settings(documents=documents.model_dump())
    example = f"{args.prefix}〔2026〕1号"
    print(tr("Bulletin numbers now read {example}.", example=example) if args.bulletin else
          tr("Notice numbers now read {example}.", example=example))
    return 0
