"""The manager view's words (keys `mgr.*`): the English source text; every other language is a
catalog in `pos_app/locale/`. Error and state wording comes from `pos_app.core.messages`."""

from __future__ import annotations

from pos_app.core.translations import N_, NP_

from ..i18n import register

# Mnemonics (&x) are unique among what shows at once: the window's tabs and Sign out (C, M, O),
# the three tabs here (R, D, S) and the buttons of the tab shown.
register(
    # tabs
    N_("mgr.tab.refunds", "&Refunds"),
    N_("mgr.tab.day", "The &day"),
    N_("mgr.tab.settlements", "&Settlements"),
    N_("mgr.tab.shifts", "Shifts (&Z)"),
    # refunds
    N_("mgr.find_hint", "Scan the receipt's QR code, or type the transaction id"),
    N_("mgr.find", "&Find"),
    N_("mgr.today_payments", "Today's payments (choose one)"),
    N_("mgr.reload_today", "Re&load list"),
    N_("mgr.no_payment", "No payment chosen yet."),
    N_("mgr.looking_up", "Looking it up…"),
    N_("mgr.paid_line", "Paid {paid} (amount {raw}, discount {discount}) on {when}, card {card}"),
    N_("mgr.not_a_payment", "This is a {kind}, not a payment: nothing to refund."),
    N_("mgr.refunded_line", "Already refunded: {total}"),
    N_("mgr.remaining_line", "Still refundable: {remaining}"),
    N_("mgr.refund_all", "Refund &all"),
    N_("mgr.refund_part", "Ref&und part…"),
    N_("mgr.sending", "Sending the refund…"),
    N_("mgr.done", "Refund done."),
    N_("mgr.failed", "Refund not done."),
    N_("mgr.pending", "Refund outcome unknown."),
    N_("mgr.voided", "Refund not carried out."),
    N_("mgr.manager_must_approve", "A manager must approve this refund."),
    N_("mgr.retry", "Re&try"),
    N_("mgr.check", "C&heck"),
    N_("mgr.print", "&Print…"),
    N_("mgr.save_pdf", "Sa&ve PDF…"),
    N_("mgr.saved", "Saved to {path}"),
    # the refund dialog
    N_("mgr.dialog_title", "Refund"),
    N_("mgr.dialog_amount", "Amount to refund (at most {remaining})"),
    N_("mgr.dialog_reason", "Reason (up to 500 characters)"),
    N_("mgr.ok", "Refund"),
    N_("mgr.cancel", "Cancel"),
    # columns
    N_("mgr.col.time", "Time"),
    N_("mgr.col.amount", "Amount"),
    N_("mgr.col.reason", "Reason"),
    N_("mgr.col.points", "Points"),
    N_("mgr.col.tx", "Transaction"),
    N_("mgr.col.card", "Card"),
    N_("mgr.col.paid", "Paid"),
    N_("mgr.col.refundable", "Refundable"),
    N_("mgr.col.cashier", "Cashier"),
    N_("mgr.col.role", "Role"),
    N_("mgr.col.payments", "Payments"),
    N_("mgr.col.refunds", "Refunds"),
    N_("mgr.col.topups", "Top-ups"),
    N_("mgr.col.net", "Net"),
    N_("mgr.col.period", "Period"),
    N_("mgr.col.source", "Made by"),
    N_("mgr.platform", "(platform)"),
    N_("mgr.role.cashier", "cashier"),
    N_("mgr.role.manager", "manager"),
    N_("mgr.role.owner", "owner"),
    # the day
    N_("mgr.day", "Business day"),
    N_("mgr.show", "Sho&w"),
    N_("mgr.day_payments", "Payments: {count} · amount {raw} · discount {discount} · paid {paid}"),
    N_("mgr.day_refunds", "Refunds: {count} · {amount}"),
    N_("mgr.day_topups", "Top-ups: {count} · {amount}"),
    N_("mgr.day_net", "Net: {net}"),
    N_("mgr.day_own", "Your own transactions only."),
    N_("mgr.day_inconsistent", "These figures do not add up; tell support: {problems}"),
    N_("mgr.per_hour", "Paid per hour"),
    N_("mgr.export_csv", "E&xport CSV…"),
    N_("mgr.print_read_out", "&Print day read-out…"),
    N_("mgr.read_out_pdf", "Day read-out as PD&F…"),
    N_("mgr.exporting", "Fetching the day's transactions…"),
    NP_("mgr.exported", "Exported {count} transaction to {path}", "Exported {count} transactions to {path}"),
    # shifts
    N_("mgr.terminal", "&Terminal"),
    N_("mgr.all_terminals", "All terminals"),
    N_("mgr.no_shifts", "No shift ran in these days."),
    N_("mgr.shifts_too_many", "Only the newest {count} shifts are listed: choose fewer days to see the others."),
    N_("mgr.shift_bad_period", "The last day is before the first: choose the days again."),
    N_("mgr.shift_open", "open"),
    N_("mgr.shift_closed", "closed"),
    N_("mgr.reprint_z", "Re&print Z (DUPLICATE)…"),
    N_("mgr.print_x", "&Print X read-out…"),
    N_("mgr.col.z", "Z"),
    N_("mgr.col.status", "Status"),
    N_("mgr.col.terminal", "Terminal"),
    N_("mgr.col.opened", "Opened"),
    N_("mgr.col.opened_by", "Opened by"),
    N_("mgr.col.closed", "Closed"),
    N_("mgr.col.closed_by", "Closed by"),
    N_("mgr.col.cashiers", "Operators"),
    N_("mgr.col.expected", "Expected cash"),
    N_("mgr.col.expected_tip", "Float + top-ups + cash sales + pay-ins − pay-outs − drops"),
    N_("mgr.col.counted", "Counted"),
    N_("mgr.col.difference", "Difference"),
    # the day's cash (from the shifts opened in the day)
    N_("mgr.day_cash_title", "Cash in the drawers (shifts opened this day)"),
    NP_("mgr.day_cash_shifts", "{count} shift, {open} still open", "{count} shifts, {open} still open"),
    N_("mgr.day_cash_none", "No shift was opened this day: no cash was counted."),
    N_("mgr.day_cash_in", "Float {float} + top-ups {topups} + cash sales {cash_sales} + pay-ins {pay_ins}"
                          " − pay-outs {pay_outs} − drops {drops} = expected {expected}"),
    N_("mgr.day_cash_counted", "Closed shifts: expected {expected}, counted {counted}, difference {difference}"),
    N_("mgr.day_cash_too_many", "This day has more shifts than can be read at once: its cash is not shown, "
                                "so that no one reads a short total."),
    N_("mgr.day_cash_failed", "The day's cash could not be read: {reason}"),
    # settlements
    N_("mgr.from", "From"),
    N_("mgr.to", "to (included)"),
    N_("mgr.generate", "&Generate settlement"),
    N_("mgr.reload_settlements", "Re&load"),
    N_("mgr.settlement_figures",
        "{period}: payments {pcount} · paid {paid} · refunds {rcount} · {refunds}"
        " · top-ups {tcount} · {topups} · net {net}"),
    N_("mgr.settlement_replayed", "This period was already settled: the same settlement, as first recorded."),
    N_("mgr.settlement_new", "Settlement generated."),
    # how net is made (merchant_daily_summary and settlements count it alike: app.report_totals)
    N_("mgr.net_legend", "Net = paid {paid} − refunds {refunds} − counter top-ups {topups} = {net}. Top-up cash taken "
                       "at the counter belongs to the platform, so it is taken off: net is what the shop is owed "
                       "at settlement."),
    N_("mgr.net_owed_platform", "Below zero: the shop holds more top-up cash than it took by card, and owes the "
                              "platform {amount} at settlement."),
    N_("mgr.col.net_tip", "Net = paid − refunds − counter top-ups (top-up cash belongs to the platform)"),
    NP_("mgr.hour_tip", "{start}–{end}: paid {paid} ({count} payment), refunds {refunds}, top-ups {topups}",
        "{start}–{end}: paid {paid} ({count} payments), refunds {refunds}, top-ups {topups}"),
    # who made a settlement
    N_("mgr.made_by_schedule", "the schedule"),
)
