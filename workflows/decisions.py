"""How a decision is named and phrased for each kind of matter: a 备案 is not a 许可.

The counter's decision paper, the 送达回证 and the applicant's status page all
word a decision from this one table.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflows.definition import MatterType


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
    MatterType.FILING: DecisionWording("备案通知书", "不予备案通知书", "予以", "予以备案", "不予备案", "", "备", "不备"),
    MatterType.CONFIRMATION: DecisionWording("确认决定书", "不予确认决定书", "予以", "予以确认", "不予确认", "",
                                             "确", "不确"),
    MatterType.PUBLIC_SERVICE: DecisionWording("办理结果通知书", "不予办理通知书", "予以", "予以办理", "不予办理", "",
                                               "办", "不办"),
    MatterType.OTHER: DecisionWording("办理决定书", "不予办理决定书", "准予", "准予办理", "不予办理", "", "决", "不决"),
}
