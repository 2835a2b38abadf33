"""双随机、一公开 built on the licence register (证照库).

The register (`inspections.register`): every 准予 decision records its licence in the decision's own
transaction, through an office extension (`install`), the way audit/ keeps its counters; status
changes (注销, 吊销, 延续) are append-only events; 已过期 follows the calendar. `inspections.importing`
loads licences granted before this system.

On it, 双随机一公开: the 抽查事项清单 as data (`items`, `items/*.yaml`), the 执法检查人员名录库 and its
回避 (`roster`), draws committed before their seed is known and verifiable by anyone (`draws`, the
algorithm in `drawing`), the teams' results and their publication within 20 working days
(`results`), what the public reads (`publication`) and the demo's draws (`demo`).
workflows/ never imports this package; it imports workflows/ only.
"""
