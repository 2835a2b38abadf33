"""一公开 (no login): the published draws, each with its targets, teams and results; CSV and JSON.

    GET /public/inspections                      every draw: item, dates, how many drawn, status
    GET /public/inspections/{id}                 one draw: how to check it, the targets (a person's name
                                                 masked), the inspectors' names and 执法证号, the results
    GET /public/inspections/{id}.csv | .json     the same; the JSON holds every input the draw used

What is public is inspections.publication's to say; the CSV's cells go through audit.inert, so a
holder's name can never run as a formula in the reader's spreadsheet.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from audit.inert import inert
from inspections import draws, publication
from windows.api_route import AnsweredInThread
from windows.auth import anyone
from windows.deps import OfficeDep, SessionDep
from windows.openapi_responses import page_errors, success
from windows.rendering import render
from workflows import errors

router = APIRouter(route_class=AnsweredInThread, dependencies=[Depends(anyone)], default_response_class=HTMLResponse,
                   tags=["public 公开"], responses=page_errors(404, 503))
FORMATS = ("csv", "json")


@router.get("/public/inspections")
def published_draws(request: Request, session: SessionDep, office: OfficeDep):
    return render(request, "public_inspections.html", actor=None, title="双随机抽查公开",
                  draws=draws.summaries(session=session), items=request.app.state.inspection_items)


@router.get("/public/inspections/{draw_id:int}")
def published_draw(request: Request, draw_id: int, session: SessionDep, office: OfficeDep):
    draw = publication.public_draw(session=session, office=office, items=request.app.state.inspection_items,
                                   draw_id=draw_id)
    return render(request, "public_inspection.html", actor=None, title=f"双随机抽查 · {draw.record['item_name']}",
                  draw=draw, d=draw.record)


@router.get("/public/inspections/{draw_id:int}.{fmt}", response_class=Response,
            responses=success("text/csv", "application/json", description="抽查任务和检查结果（CSV 或 JSON）"))
def published_draw_download(request: Request, draw_id: int,
                            fmt: Annotated[str, Path(json_schema_extra={"enum": list(FORMATS)})],
                            session: SessionDep, office: OfficeDep):
    if fmt not in FORMATS:
        raise errors.NotFound("下载格式须为 csv 或 json")
    draw = publication.public_draw(session=session, office=office, items=request.app.state.inspection_items,
                                   draw_id=draw_id)
    filename = f"inspection-draw-{draw_id}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "json":
        return JSONResponse(publication.as_json(draw, office), headers=disposition)
    out = io.StringIO()
    out.write("\ufeff")  # Excel and WPS read UTF-8 CSV as such only with the byte-order mark
    writer = csv.writer(out)
    writer.writerow(publication.CSV_COLUMNS)
    writer.writerows([[inert(cell) for cell in row] for row in publication.csv_rows(draw, office)])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=disposition)
