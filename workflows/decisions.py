"""How a decision is named and phrased for each kind of matter: a 备案 is not a 许可.

The counter's decision paper, the 送达回证 and the applicant's status page all
word a decision from this one table.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflows.definition import MatterDefinition, MatterType


@dataclass(frozen=True)
class DecisionWording:
    approved_title: str  # the paper that grants: 准予许可决定书 / 备案通知书
    denied_title: str  # the paper that refuses: 不予许可决定书 / 不予备案通知书
    grant: str  # the verb before the matter's name: 本机关决定【准予】道路货物运输经营许可
    granted: str  # the result in two words: 准予许可 / 予以备案
    refusal: str  # 不予许可 / 不予备案
    denial_basis: str  # the article a refusal of this kind rests on, or "" where none is cited
    approved_series: str  # the word in the document number: 嘉交【许】字〔2026〕第0001号
    denied_series: str


DECISION_WORDING = {
    MatterType.LICENCE: DecisionWording("准予许可决定书", "不予许可决定书", "准予", "准予许可", "不予许可",
                                        "《中华人民共和国行政许可法》第三十八条第二款", "许", "不许"),
    MatterType.FILING: DecisionWording("备案通知书", "不予备案通知书", "予以", "予以备案", "不予备案", "",
                                       "备", "不备"),
    MatterType.CONFIRMATION: DecisionWording("确认决定书", "不予确认决定书", "予以", "予以确认", "不予确认", "",
                                             "确", "不确"),
    MatterType.PUBLIC_SERVICE: DecisionWording("办理结果通知书", "不予办理通知书", "予以", "予以办理", "不予办理", "",
                                               "办", "不办"),
    MatterType.OTHER: DecisionWording("办理决定书", "不予办理决定书", "准予", "准予办理", "不予办理", "", "决", "不决"),
}


LICENSING_LAW = "《中华人民共和国行政许可法》"


@dataclass(frozen=True)
class IntakeBasis:
    """The law the intake papers (收件凭证, 一次性告知书, 不予受理决定书) cite.

    Only a 行政许可 is taken in under the Administrative Licensing Law: its art. 32 sets the
    five days to decide on acceptance and deems an application accepted when no notice is given.
    Any other kind of matter (a 备案, say) cites its own 实施依据 and promises neither.
    """

    licensing: bool
    receipt: str  # the citation after the 收件凭证's promise
    notice: str  # 根据……，现一次性告知
    refusal: str  # 依据：……


def intake_basis(d: MatterDefinition) -> IntakeBasis:
    if d.matter_type is MatterType.LICENCE:
        return IntakeBasis(True, f"{LICENSING_LAW}第三十二条", f"{LICENSING_LAW}第三十二条第一款第（四）项",
                           f"{LICENSING_LAW}第三十二条第一款")
    own = next((b for b in d.legal_bases if b.kind == "实施依据"), d.legal_bases[0])
    citation = f"{own.law}{own.article}"
    return IntakeBasis(False, citation, citation, citation)
