"""双随机、一公开 built on the licence register (证照库).

So far: the register itself (`inspections.register`): every 准予 decision records its licence in
the decision's own transaction, through an office extension (`install`), the way audit/ keeps its
counters; status changes (注销, 吊销, 延续) are append-only events; 已过期 follows the calendar.
`inspections.importing` loads licences granted before this system. workflows/ never imports this
package; it imports workflows/ only.
"""
