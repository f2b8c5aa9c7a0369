"""The manager view's words, English and Simplified Chinese (keys `mgr.*`). Error and state
wording comes from `pos_app.core.messages`."""

from __future__ import annotations

from ..i18n import register

# Mnemonics (&x) are unique among what shows at once: the window's tabs and Sign out (C, M, O),
# the three tabs here (R, D, S) and the buttons of the tab shown.
register({
    # tabs
    "mgr.tab_refunds": ("&Refunds", "退款(&R)"),
    "mgr.tab_day": ("The &day", "日报(&D)"),
    "mgr.tab_settlements": ("&Settlements", "结算(&S)"),
    # refunds
    "mgr.find_hint": ("Scan the receipt's QR code, or type the transaction id", "扫描小票二维码，或输入交易号"),
    "mgr.find": ("&Find", "查找(&F)"),
    "mgr.today_payments": ("Today's payments (choose one)", "今日支付（选择一笔）"),
    "mgr.reload_today": ("Re&load list", "刷新列表(&L)"),
    "mgr.no_payment": ("No payment chosen yet.", "尚未选择支付。"),
    "mgr.looking_up": ("Looking it up…", "正在查找…"),
    "mgr.paid_line": ("Paid {paid} (amount {raw}, discount {discount}) on {when}, card {card}",
                      "{when} 实付 {paid}（消费 {raw}，优惠 {discount}），卡号 {card}"),
    "mgr.not_a_payment": ("This is a {kind}, not a payment: nothing to refund.",
                          "这是一笔{kind}，不是支付：无可退款项。"),
    "mgr.refunded_line": ("Already refunded: {total}", "已退款：{total}"),
    "mgr.remaining_line": ("Still refundable: {remaining}", "可退金额：{remaining}"),
    "mgr.refund_all": ("Refund &all", "全额退款(&A)"),
    "mgr.refund_part": ("Ref&und part…", "部分退款(&U)…"),
    "mgr.sending": ("Sending the refund…", "正在提交退款…"),
    "mgr.done": ("Refund done.", "退款完成。"),
    "mgr.failed": ("Refund not done.", "退款未完成。"),
    "mgr.pending": ("Refund outcome unknown.", "退款结果未知。"),
    "mgr.voided": ("Refund not carried out.", "退款未执行。"),
    "mgr.manager_must_approve": ("A manager must approve this refund.", "此退款需要店长批准。"),
    "mgr.retry": ("Re&try", "重试(&T)"),
    "mgr.check": ("C&heck", "查询(&H)"),
    "mgr.print": ("&Print…", "打印(&P)…"),
    "mgr.save_pdf": ("Sa&ve PDF…", "保存 PDF(&V)…"),
    "mgr.saved": ("Saved to {path}", "已保存到 {path}"),
    # the refund dialog
    "mgr.dialog_title": ("Refund", "退款"),
    "mgr.dialog_amount": ("Amount to refund (at most {remaining})", "退款金额（最多 {remaining}）"),
    "mgr.dialog_reason": ("Reason (up to 500 characters)", "退款原因（最多 500 字）"),
    "mgr.ok": ("Refund", "确认退款"),
    "mgr.cancel": ("Cancel", "取消"),
    # columns
    "mgr.col_time": ("Time", "时间"),
    "mgr.col_amount": ("Amount", "金额"),
    "mgr.col_reason": ("Reason", "原因"),
    "mgr.col_points": ("Points", "积分"),
    "mgr.col_tx": ("Transaction", "交易号"),
    "mgr.col_card": ("Card", "卡号"),
    "mgr.col_paid": ("Paid", "实付"),
    "mgr.col_refundable": ("Refundable", "可退"),
    "mgr.col_cashier": ("Cashier", "收银员"),
    "mgr.col_role": ("Role", "角色"),
    "mgr.col_payments": ("Payments", "支付笔数"),
    "mgr.col_refunds": ("Refunds", "退款"),
    "mgr.col_topups": ("Top-ups", "充值"),
    "mgr.col_net": ("Net", "净额"),
    "mgr.col_period": ("Period", "期间"),
    "mgr.col_source": ("Made by", "生成人"),
    "mgr.platform": ("(platform)", "（平台）"),
    "mgr.role_cashier": ("cashier", "收银员"),
    "mgr.role_manager": ("manager", "店长"),
    "mgr.role_owner": ("owner", "店主"),
    # the day
    "mgr.day": ("Business day", "营业日"),
    "mgr.show": ("Sho&w", "显示(&W)"),
    "mgr.day_payments": ("Payments: {count} · amount {raw} · discount {discount} · paid {paid}",
                         "支付：{count} 笔 · 消费 {raw} · 优惠 {discount} · 实收 {paid}"),
    "mgr.day_refunds": ("Refunds: {count} · {amount}", "退款：{count} 笔 · {amount}"),
    "mgr.day_topups": ("Top-ups: {count} · {amount}", "充值：{count} 笔 · {amount}"),
    "mgr.day_net": ("Net: {net}", "净额：{net}"),
    "mgr.day_own": ("Your own transactions only.", "仅显示您本人的交易。"),
    "mgr.day_inconsistent": ("These figures do not add up; tell support: {problems}",
                             "数字不一致，请联系技术支持：{problems}"),
    "mgr.per_hour": ("Paid per hour", "每小时实收"),
    "mgr.export_csv": ("E&xport CSV…", "导出 CSV(&X)…"),
    "mgr.print_z": ("Print &Z report…", "打印日结报表(&Z)…"),
    "mgr.z_pdf": ("Z report as PD&F…", "日结报表 PDF(&F)…"),
    "mgr.exporting": ("Fetching the day's transactions…", "正在获取当日交易…"),
    "mgr.exported": ("Exported {count} transactions to {path}", "已导出 {count} 笔交易到 {path}"),
    # settlements
    "mgr.from": ("From", "从"),
    "mgr.to": ("to (included)", "至（含）"),
    "mgr.generate": ("&Generate settlement", "生成结算单(&G)"),
    "mgr.reload_settlements": ("Re&load", "刷新(&L)"),
    "mgr.settlement_figures": (
        "{period}: payments {pcount} · paid {paid} · refunds {rcount} · {refunds}"
        " · top-ups {tcount} · {topups} · net {net}",
        "{period}：支付 {pcount} 笔 · 实收 {paid} · 退款 {rcount} 笔 · {refunds}"
        " · 充值 {tcount} 笔 · {topups} · 净额 {net}"),
    "mgr.settlement_replayed": ("This period was already settled: the same settlement, as first recorded.",
                                "该期间已结算：以下为首次生成的同一结算单。"),
    "mgr.settlement_new": ("Settlement generated.", "结算单已生成。"),
    # how net is made (merchant_daily_summary and settlements count it alike: app.report_totals)
    "mgr.net_legend": ("Net = paid {paid} − refunds {refunds} − counter top-ups {topups} = {net}. Top-up cash taken "
                       "at the counter belongs to the platform, so it is taken off: net is what the shop is owed "
                       "at settlement.",
                       "净额 = 实收 {paid} − 退款 {refunds} − 柜台充值 {topups} = {net}。柜台收取的充值现金属于平台，"
                       "因此要扣除：净额即结算时平台应付本店的金额。"),
    "mgr.net_owed_platform": ("Below zero: the shop holds more top-up cash than it took by card, and owes the "
                              "platform {amount} at settlement.",
                              "为负数：本店代收的充值现金多于刷卡实收，结算时本店应付平台 {amount}。"),
    "mgr.col_net_tip": ("Net = paid − refunds − counter top-ups (top-up cash belongs to the platform)",
                        "净额 = 实收 − 退款 − 柜台充值（充值现金属于平台）"),
    "mgr.hour_tip": ("{start}–{end}: paid {paid} ({count} payments), refunds {refunds}, top-ups {topups}",
                     "{start}–{end}：实收 {paid}（{count} 笔支付），退款 {refunds}，充值 {topups}"),
    # who made a settlement
    "mgr.made_by_schedule": ("the schedule", "定时任务"),
})
