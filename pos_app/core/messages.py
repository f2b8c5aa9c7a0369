"""The cashier's words for everything that can stop a sale, in English and Simplified Chinese.

Each entry says what happened and what to do next, because the person reading it has a queue
in front of them. Keys are the contract's error names (`ApiError.name`), the counter's own
states (offline, outcome unknown, ...), the reasons of `money.AmountError` (prefixed
`amount_`) and of `codes.NotUsable`, and the refusals of the sale service."""

from __future__ import annotations

from typing import NamedTuple

LANGUAGES = ("en", "zh_CN")


class Words(NamedTuple):
    """What happened, and what to do next."""

    problem: str
    next_step: str

    def __str__(self) -> str:
        joiner = " " if self.problem.isascii() else ""
        return f"{self.problem}{joiner}{self.next_step}"


def _w(en: tuple[str, str], zh: tuple[str, str]) -> dict[str, Words]:
    return {"en": Words(*en), "zh_CN": Words(*zh)}


CATALOG: dict[str, dict[str, Words]] = {
    # Business errors of the contract (§4).
    "invalid_amount": _w(("The server refused this amount.", "Check the amount and enter it again."),
                         ("服务器拒绝了这个金额。", "请核对金额后重新输入。")),
    "insufficient_balance": _w(("The card balance is too low.", "Ask the member to top up, or to pay another way."),
                               ("卡内余额不足。", "请顾客充值，或改用其他方式付款。")),
    "qr_invalid": _w(("This payment code is not valid.", "Ask the member to refresh the payment code and scan again."),
                     ("付款码无效。", "请顾客刷新付款码后重新扫码。")),
    "qr_expired": _w(("The payment code has expired.", "Ask the member to refresh the payment code and scan again."),
                     ("付款码已过期。", "请顾客刷新付款码后重新扫码。")),
    "qr_not_active": _w(("This payment code was already used or replaced.",
                         "Ask the member to refresh the payment code and scan again."),
                        ("付款码已使用或已更新。", "请顾客刷新付款码后重新扫码。")),
    "card_inactive": _w(("The card cannot be used for this (frozen, closed, expired, or a voucher).",
                         "Ask the member to use another card or pay another way."),
                        ("该卡无法用于此操作（已冻结、注销、过期或为代金券）。", "请顾客换一张卡或改用其他方式付款。")),
    "merchant_inactive": _w(("This shop is not active on the payment system.",
                             "Call your manager; check the merchant code in Settings."),
                            ("本店在支付系统中未启用。", "请联系店长，并检查设置中的商户编号。")),
    "idempotency_conflict": _w(("This sale can no longer go through: it was closed as not charged.",
                                "Ring the sale up again as a new sale."),
                               ("此笔交易已关闭且未扣款，无法继续。", "请作为新交易重新收款。")),
    "refund_exceeds_paid": _w(("The refund is more than what is left to refund on this payment.",
                               "Check the refundable amount and enter a smaller refund."),
                              ("退款金额超过该笔支付的可退金额。", "请查看可退金额，输入较小的退款金额。")),
    "tx_not_refundable": _w(("This transaction cannot be refunded here (not a payment of this shop, or too old).",
                             "Check the receipt; call your manager if in doubt."),
                            ("该交易无法在此退款（非本店支付或已超过退款期限）。", "请核对小票，如有疑问请联系店长。")),
    "binding_password_invalid": _w(("The card's binding password is wrong.", "Ask the card owner to enter it again."),
                                   ("卡片绑定密码错误。", "请持卡人重新输入。")),
    "not_found": _w(("No such transaction or card was found.", "Check the receipt or the number and try again."),
                    ("未找到该交易或卡片。", "请核对小票或编号后重试。")),
    "invalid_argument": _w(("The request was refused as malformed.", "Try again; if it keeps happening, call support."),
                           ("请求格式有误，被拒绝。", "请重试；如果反复出现，请联系技术支持。")),
    "forbidden": _w(("You are not allowed to do this (refunds need a manager).",
                     "Ask a manager to sign in or approve."),
                    ("您没有权限执行此操作（退款需要店长权限）。", "请店长登录或审批。")),
    # Shop operations (contract §9).
    "shift_conflict": _w(("This terminal already has an open shift (or the shift belongs to another terminal or shop).",
                          "Continue in the open shift, or close it first."),
                         ("本终端已有未结班次（或该班次属于其他终端或门店）。", "请在当前班次中继续，或先结班。")),
    "shift_closed": _w(("This shift is closed: nothing more can be added to it.",
                        "Open a new shift, then do it again."),
                       ("该班次已结班，不能再记入任何操作。", "请先开新班次，再重新办理。")),
    # The connection and the session.
    # "offline" does not promise "nothing was charged": an earlier try of the same call may have
    # reached the server before the line dropped. Retry (same key) or Check settles it.
    "offline": _w(("No connection to the payment server.", "Check the network, then press Retry. Do not charge again."),
                  ("无法连接支付服务器。", "请检查网络后点击“重试”，请勿重新收款。")),
    "outcome_unknown": _w(("The answer was lost: the payment may or may not have gone through.",
                           "Do not charge again. Press Retry with the same code, or Check to settle it."),
                          ("未收到服务器应答：可能已扣款，也可能没有。",
                           "请勿重新收款。请点击“重试”，或点击“查询”确认结果。")),
    # The same states for a refund: "do not charge again" would be the wrong warning there.
    "refund_offline": _w(("No connection to the payment server.",
                          "Check the network, then press Retry. Do not refund again."),
                         ("无法连接支付服务器。", "请检查网络后点击“重试”，请勿重复退款。")),
    "refund_outcome_unknown": _w(("The answer was lost: the refund may or may not have gone through.",
                                  "Do not refund again. Press Retry, or Check to settle it."),
                                 ("未收到服务器应答：可能已退款，也可能没有。",
                                  "请勿重复退款。请点击“重试”，或点击“查询”确认结果。")),
    "not_signed_in": _w(("You are not signed in, or the session ended.", "Sign in again, then press Retry."),
                        ("您未登录或登录已失效。", "请重新登录后点击“重试”。")),
    "unexpected": _w(("Something unexpected went wrong.", "Try again; if it keeps happening, call support."),
                     ("发生了意外错误。", "请重试；如果反复出现，请联系技术支持。")),
    # Signing in at the counter.
    "invalid_credentials": _w(("The email or password is wrong.", "Check both and sign in again."),
                              ("邮箱或密码错误。", "请核对后重新登录。")),
    "sign_in_refused": _w(("Sign-in was refused for this account (not confirmed, or blocked).", "Call your manager."),
                          ("该账号被拒绝登录（未确认或已被停用）。", "请联系店长。")),
    "not_an_operator": _w(("This account does not work at this shop.",
                           "Check the merchant code in Settings, or ask your manager to add you."),
                          ("该账号不是本店的操作员。", "请检查设置中的商户编号，或请店长添加您。")),
    "sign_in_offline": _w(("No connection to the server.", "Check the network, then sign in again."),
                          ("无法连接服务器。", "请检查网络后重新登录。")),
    "sign_in_no_answer": _w(("The server did not answer in time.", "Wait a moment, then sign in again."),
                            ("服务器未及时应答。", "请稍候再重新登录。")),
    # The sale service.
    "attempt_unsettled": _w(("A sale is still waiting for its outcome.",
                             "Press Retry or Check on that sale before starting another."),
                            ("还有一笔交易在等待结果。", "请先对该交易点击“重试”或“查询”，再开始新的交易。")),
    "already_started": _w(("This sale was already sent.", "Wait for its result; start a new sale for another charge."),
                          ("此笔交易已发送。", "请等待结果；如需再次收款，请开始新的交易。")),
    "code_gone": _w(("The payment code of this sale is no longer in memory (the app restarted).",
                     "Press Check to settle it; ring it up again if it was not charged."),
                    ("此交易的付款码已不在内存中（应用曾重启）。", "请点击“查询”确认结果；若未扣款，请重新收款。")),
    "not_pending": _w(("This sale is not waiting for an outcome.", "Nothing to retry."),
                      ("此交易不在等待结果。", "无需重试。")),
    "voided": _w(("Not carried out: nothing was charged or refunded, and this attempt is closed for good.",
                  "Ring it up again as a new sale (or a new refund)."),
                 ("未执行：未扣款也未退款，此笔操作已永久关闭。", "请作为新交易（或新退款）重新办理。")),
    # What the cashier typed.
    "amount_empty": _w(("Enter an amount.", "Type the amount to charge."),
                       ("请输入金额。", "请输入收款金额。")),
    "amount_not_a_number": _w(("That is not an amount.", "Type digits, with at most two decimals, e.g. 12.50."),
                              ("金额格式不正确。", "请输入数字，最多两位小数，例如 12.50。")),
    "amount_not_finite": _w(("That is not an amount.", "Type digits, with at most two decimals, e.g. 12.50."),
                            ("金额格式不正确。", "请输入数字，最多两位小数，例如 12.50。")),
    "amount_zero": _w(("The amount must be more than zero.", "Type the amount to charge."),
                      ("金额必须大于零。", "请输入收款金额。")),
    "amount_negative": _w(("The amount cannot be negative.", "For money back, use Refund."),
                          ("金额不能为负数。", "如需退钱，请使用“退款”。")),
    "amount_too_many_decimals": _w(("At most two decimals (cents).", "Correct the amount, e.g. 12.50."),
                                   ("最多两位小数（分）。", "请更正金额，例如 12.50。")),
    "amount_above_cap": _w(("The amount is above the limit for one transaction.",
                            "Split the sale, or call your manager."),
                           ("金额超过单笔交易上限。", "请拆分交易，或联系店长。")),
    # What was scanned.
    "empty": _w(("Nothing was scanned.", "Scan the member's payment code again."),
                ("未扫描到内容。", "请重新扫描顾客的付款码。")),
    "malformed_payment_code": _w(("The payment code was not read completely.",
                                  "Scan it again, or ask the member to refresh it."),
                                 ("付款码读取不完整。", "请重新扫码，或请顾客刷新付款码。")),
    "malformed_receipt_code": _w(("The receipt code was not read completely.",
                                  "Scan it again, or type the transaction id."),
                                 ("小票码读取不完整。", "请重新扫描，或输入交易号。")),
    "not_a_payment_code": _w(("This is not a member payment code (a product barcode or another code?).",
                              "Ask the member to open the payment code in the member app."),
                             ("这不是会员付款码（可能是商品条码或其他二维码）。", "请顾客在会员应用中打开付款码。")),
    "not_a_receipt_code": _w(("This is not a receipt code or a transaction id.",
                              "Scan the QR code on the receipt, or type the transaction id."),
                             ("这不是小票码或交易号。", "请扫描小票上的二维码，或输入交易号。")),
    "reason_too_long": _w(("The refund reason is too long (500 characters at most).", "Shorten the reason."),
                          ("退款原因过长（最多 500 个字符）。", "请缩短退款原因。")),
    "receipt_code_for_payment": _w(("This is a receipt's code, not a payment code.",
                                    "To refund it, use Refund; to charge, scan the member's payment code."),
                                   ("这是小票上的码，不是付款码。", "如需退款请使用“退款”；收款请扫描顾客的付款码。")),
    "payment_code_for_refund": _w(("This is a payment code, not a receipt.",
                                   "Scan the QR code on the receipt of the payment to refund."),
                                  ("这是付款码，不是小票。", "请扫描要退款交易小票上的二维码。")),
}


def message_for(name: str, language: str = "en") -> Words:
    """The words for `name` in `language`; an unknown name gets the "unexpected" words and an
    unknown language falls back to English."""
    entry = CATALOG.get(name) or CATALOG["unexpected"]
    return entry.get(language) or entry["en"]


# The manager view: reads, the business day, files and settlements. A manager meets these away
# from the queue, so they name the day or the period (in the shop's time zone) and never repeat
# the server's own sentence (function names, ids, UTC instants). `{…}` fields are filled by
# `filled()`.
CATALOG.update({
    "mgr_no_answer": _w(("The server did not answer, so nothing could be read.", "Check the network and try again."),
                        ("服务器没有应答，未能读取数据。", "请检查网络后重试。")),
    "mgr_not_signed_in": _w(("You are not signed in any more (the session ended).", "Sign in again, then try again."),
                            ("您已退出登录（会话已结束）。", "请重新登录后再试。")),
    "mgr_forbidden": _w(("Your account may not do this at this shop: it needs the manager or owner role.",
                         "Sign in as a manager, or ask the owner to give you the role."),
                        ("您的账号在本店无权执行此操作：需要店长或店主角色。",
                         "请以店长身份登录，或请店主为您授予该角色。")),
    "mgr_merchant_inactive": _w(("This shop is not active on the payment system (suspended or closed).",
                                 "Call the payment platform's support."),
                                ("本店在支付系统中未启用（已暂停或已关闭）。", "请联系支付平台的技术支持。")),
    "mgr_refused": _w(("The server refused this request.",
                       "Check what you chose and try again; if it keeps happening, call support."),
                      ("服务器拒绝了此请求。", "请核对所选内容后重试；如果反复出现，请联系技术支持。")),
    "day_in_future": _w(("{day} has not begun yet in the shop's time zone (today there is {today}).",
                         "Choose {today} or an earlier day."),
                        ("按本店时区，{day} 尚未开始（今天是 {today}）。", "请选择 {today} 或更早的日期。")),
    "export_no_answer": _w(("The day's transactions could not be fetched, so no file was written.",
                            "Check the network and export again."),
                           ("未能获取当日交易，因此没有写入文件。", "请检查网络后重新导出。")),
    "file_denied": _w(("The file could not be saved to {path}: there is no permission to write there.",
                       "Choose another folder (your Documents folder, for example) and save again."),
                      ("无法保存文件到 {path}：没有写入该位置的权限。",
                       "请选择其他文件夹（例如“文档”文件夹）后重新保存。")),
    "file_no_folder": _w(("The file could not be saved to {path}: that folder does not exist.",
                          "Choose an existing folder (your Documents folder, for example) and save again."),
                         ("无法保存文件到 {path}：该文件夹不存在。",
                          "请选择已有的文件夹（例如“文档”文件夹）后重新保存。")),
    "file_disk_full": _w(("The file could not be saved to {path}: the disk is full.",
                          "Free some space, or choose another disk, and save again."),
                         ("无法保存文件到 {path}：磁盘已满。", "请清理磁盘空间或选择其他磁盘后重新保存。")),
    "file_failed": _w(("The file could not be saved to {path}.",
                       "Choose another folder (your Documents folder, for example) and save again."),
                      ("无法保存文件到 {path}。", "请选择其他文件夹（例如“文档”文件夹）后重新保存。")),
    "settle_bad_period": _w(("The period ends before it starts.", "Choose a \"to\" day on or after the \"from\" day."),
                            ("结束日期早于开始日期。", "请选择不早于开始日期的结束日期。")),
    "settle_running": _w(("A settlement covers finished days only: {today} is not over yet in the shop's time zone.",
                          "Choose days up to {yesterday}; today's running figures are on The day tab."),
                         ("结算只包含已结束的营业日：按本店时区，{today} 尚未结束。",
                          "请选择 {yesterday} 及以前的日期；今日实时数据请看“日报”页。")),
    "settle_overlap": _w(("These days overlap the settlement already made for {period}.",
                          "Choose days outside it, or pick it in the list to see its figures."),
                         ("所选日期与已生成的结算单（{period}）重叠。",
                          "请选择不重叠的日期，或在列表中选中该结算单查看。")),
    "settle_overlap_unnamed": _w(("These days overlap a settlement already made.",
                                  "Reload the list to see which, and choose days outside it."),
                                 ("所选日期与已生成的结算单重叠。", "请刷新列表查看是哪一张，并选择不重叠的日期。")),
    "settle_offline": _w(("No connection to the server: no settlement was made.",
                          "Check the network, then press Generate again."),
                         ("无法连接服务器：未生成结算单。", "请检查网络后再次点击“生成结算单”。")),
    "settle_no_answer": _w(("The server did not answer: the settlement may or may not have been made.",
        "Press Generate again when the network is back: the same days give back the same settlement,"
        " never a second one."),
                           ("服务器没有应答：结算单可能已生成，也可能没有。",
                            "网络恢复后请再次点击“生成结算单”：相同日期只会返回同一张结算单，不会重复生成。")),
    # A refund at the manager's screen: the payment words ("a sale", "pay another way") would mislead.
    "refund_attempt_unsettled": _w(("A sale or refund on this till is still waiting for its outcome.",
                                    "Press Retry or Check here to settle it before starting another refund."),
                                   ("本收银台还有一笔交易或退款在等待结果。",
                                    "请先在此点击“重试”或“查询”确认结果，再开始新的退款。")),
    "refund_idempotency_conflict": _w(("This refund can no longer go through: it was closed as not refunded.",
                                       "Start the refund again."),
                                      ("此笔退款已关闭且未退款，无法继续。", "请重新发起退款。")),
    "refund_card_inactive": _w(("The card is closed: money cannot be returned to it.",
                                "Nothing was refunded. Call the payment platform's support."),
                               ("该卡已注销，无法退款到此卡。", "未退任何款项。请联系支付平台的技术支持。")),
    "refund_not_found": _w(("No such payment was found at this shop.",
                            "Check the receipt and look the payment up again."),
                           ("本店未找到这笔支付。", "请核对小票后重新查找。")),
})


def filled(name: str, language: str = "en", **values: object) -> Words:
    """`message_for(name, language)` with its `{field}`s filled from `values`."""
    words = message_for(name, language)
    return Words(words.problem.format(**values), words.next_step.format(**values))
