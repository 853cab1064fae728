"""Everything a person reads in chat, in Vietnamese, in one place so wording is reviewed once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.access import Role
from domain.status import Status

STATUS = {
    Status.NOT_STARTED: "Chưa triển khai",
    Status.IN_PROGRESS: "Đang thực hiện",
    Status.BLOCKED: "Gặp vướng mắc",
    Status.DONE: "Hoàn thành",
}
STATUS_ICON = {
    Status.NOT_STARTED: "⚪",
    Status.IN_PROGRESS: "🔵",
    Status.BLOCKED: "🟠",
    Status.DONE: "✅",
}
ROLE_HEADING = {
    Role.DIRECTOR: "CHỈ ĐẠO",
    Role.LEAD: "CHỦ TRÌ THAM MƯU",
    Role.COORDINATING: "PHỐI HỢP",
}

NOT_LINKED = (
    "Tài khoản này chưa được liên kết với thành viên nào của Ban Chỉ đạo CCHC tỉnh.\n"
    "Để tham gia, đề nghị đồng chí liên hệ cơ quan thường trực (Sở Nội vụ) để nhận mã mời, "
    "rồi gửi: /start <mã mời>"
)
UNKNOWN = "Tôi chưa hiểu yêu cầu này. Gửi /trogiup để xem các lệnh có thể dùng."
EMPTY = "Tin nhắn trống. Gửi /trogiup để xem các lệnh có thể dùng."
INTERNAL_ERROR = (
    "Xin lỗi, hệ thống đang gặp sự cố khi xử lý yêu cầu này; dữ liệu của đồng chí không bị mất. "
    "Đề nghị thử lại sau ít phút."
)
NO_PLAN = "Chưa có kế hoạch nào được nạp vào hệ thống. Đề nghị liên hệ cơ quan thường trực."
TOO_LONG = "Tin nhắn quá dài (tối đa {limit} ký tự). Đề nghị rút gọn rồi gửi lại."

HELP = """Các lệnh của bot Ban Chỉ đạo CCHC tỉnh:

/nhiemvu — nhiệm vụ của tôi (hoặc gõ: nhiệm vụ của tôi)
/nhiemvu <mã> — chi tiết một nhiệm vụ, ví dụ: /nhiemvu I.5
/capnhat <mã> <tình trạng> [n%] [ghi chú] — cập nhật tiến độ, ví dụ:
   /capnhat I.5 đang thực hiện 60% đã trình dự thảo
   /capnhat I.3 hoàn thành ngày 25/01/2024 Quyết định số 45/QĐ-UBND
   /capnhat I.8 đợt 1 hoàn thành
   /capnhat I.5 ghi chú đã gửi số liệu
   Nhiệm vụ chung của các sở, các huyện: cập nhật phần việc của cơ quan mình.
   Cơ quan phối hợp: /capnhat <mã> đã gửi ý kiến [số văn bản]
/hoanthanh <mã> — báo hoàn thành (bot hỏi ngày hoàn thành)
/hoantac <số> — hoàn tác cập nhật trong 10 phút (như nút “↩️ Hoàn tác”)
/quahan — nhiệm vụ quá hạn · /sapden — đến hạn trong 14 ngày
/baocao — báo cáo tiến độ kèm biểu đồ (/baocao chidao: theo người chỉ đạo)
/xingiahan <mã> [đợt N] <dd/mm/yyyy> <lý do> — xin gia hạn
/kehoach — xem kế hoạch năm khác · /web — trang theo dõi trên máy tính
/caidat — cài đặt nhận nhắc việc:
   /bantin tat|bat — tắt, bật bản tin tuần
   /nghiphep <dd/mm/yyyy>|huy — tạm dừng nhắc việc đến hết ngày đó
   /kenh telegram|zalo|tatca — kênh nhận nhắc việc
/roikhoi — hủy liên kết tài khoản · /trogiup — hướng dẫn này

Trả lời (reply) tin nhắn của bot về một nhiệm vụ bằng "xong", "60%", "vướng: chờ hướng dẫn", hoặc gõ kèm mã: "I.5 xong", "xong I.5".
Ảnh, tệp văn bản: trả lời tin nhắn về nhiệm vụ bằng ảnh, tệp (qua Telegram).
Nhắc việc, bản tin, thông báo có nút “✅ Đã nhận” (/danhan; Zalo: chọn số, hoặc gõ "đã nhận", "ok", "rõ") và “⏰ Nhắc lại” (/nhaclai).

Tình trạng: chưa triển khai · đang thực hiện · gặp vướng mắc · hoàn thành (có dấu hoặc không dấu).
Mã nhiệm vụ gồm số mục và số thứ tự trong Phụ lục kế hoạch: I.1 … IV.9."""

HELP_LEADERSHIP = (
    "\n\nTrưởng Ban, Phó Trưởng Ban và cơ quan thường trực: /tatca — toàn bộ nhiệm vụ của kế hoạch."
)
# The office's commands: a message of their own, so that each fits one Zalo message (2,000).
HELP_ADMIN = """Cơ quan thường trực:
/xuat — tệp Excel báo cáo (theo mẫu Phụ lục)
/themnv <mục> | <nội dung> | <thời gian> [| <sản phẩm>] — thêm nhiệm vụ
/suanv <mã> <noidung|thoihan|sanpham|ghichu> <giá trị> — sửa nhiệm vụ
/giao <mã> <chidao|chutri|phoihop> <họ tên/cơ quan> — giao; /bogiao … — bỏ giao
/giahan <mã> [đợt N] <dd/mm/yyyy> <lý do> — gia hạn (giữ hạn gốc)
/duyet — yêu cầu gia hạn chờ duyệt · /duyet <số> — duyệt · /tuchoi <số> <lý do> — từ chối
/themtv <họ tên> | <cơ quan> [| quản trị] — thêm thành viên (kèm mã mời)
/themcq <tên cơ quan> [| sở|huyện|đảng|đoàn thể|khác] — thêm cơ quan
/moi <họ tên> — mã mời · /chuathamgia — ai chưa liên kết · /xoatv <họ tên> — ngừng truy cập
/thongbao <nội dung> — gửi thông báo tới mọi thành viên · /nhatky — nhật ký quản trị
/tailieu <mã> — tệp kèm theo nhiệm vụ (cả người chỉ đạo nhiệm vụ)
/capnhat <mã> kết thúc <lý do> — kết thúc nhiệm vụ chung của nhiều cơ quan · /capnhat <mã> mở lại
/xacnhan — báo cáo hoàn thành chờ xác nhận · /xacnhan <mã> — xác nhận · /tralai <mã> <lý do> — trả lại
/chuanhan [mã|thongbao] — ai chưa bấm “Đã nhận” nhắc việc (7 ngày qua, một nhiệm vụ) hoặc thông báo"""

GREETING = "Xin chào đồng chí {name}! Tài khoản đã sẵn sàng.\n\n"

TASK_NOT_FOUND = "Không tìm thấy nhiệm vụ {code} trong kế hoạch {plan}. Mã có dạng I.5, IV.4b."
TASK_CODE_MISSING = "Đề nghị ghi mã nhiệm vụ, ví dụ: {example}"
STATUS_MISSING = (
    "Chưa rõ tình trạng mới của nhiệm vụ {code}. Chọn một trong: chưa triển khai, "
    "đang thực hiện, gặp vướng mắc, hoàn thành.\nVí dụ: /capnhat {code} đang thực hiện 50%"
)
PROGRESS_INVALID = "Tỷ lệ tiến độ phải từ 0% đến 100%."
MILESTONE_NOT_FOUND = "Nhiệm vụ {code} không có {label}. Các đợt: {labels}."
MILESTONE_ONLY_DONE = (
    "Với từng đợt, chỉ có thể báo hoàn thành, ví dụ: /capnhat {code} đợt 1 hoàn thành"
)
REFUSED_STATUS = (
    "Đồng chí không thể thay đổi tình trạng nhiệm vụ {code}: chỉ người chịu trách nhiệm chỉ đạo, "
    "cơ quan chủ trì tham mưu ({lead}) và cơ quan thường trực được thay đổi."
)
REFUSED_STATUS_COORDINATING = (
    " Cơ quan phối hợp có thể gửi ghi chú tiến độ: /capnhat {code} ghi chú <nội dung>"
)
UPDATED = "Đã cập nhật nhiệm vụ {code}: {old} → {new}{progress}."
UPDATED_SAME_STATUS = "Đã cập nhật nhiệm vụ {code}: vẫn {status}{progress}."
UPDATED_MILESTONE = "Đã ghi nhận {label} của nhiệm vụ {code} hoàn thành ngày {day} (hạn {due})."
UNCHANGED = "Nhiệm vụ {code} đã ở tình trạng {status}{progress}; không có gì thay đổi."
NOTE_SAVED = "Đã ghi chú vào nhiệm vụ {code}: “{note}”"
NOTE_MISSING = "Đề nghị ghi nội dung ghi chú, ví dụ: /capnhat {code} ghi chú đã gửi số liệu"
REFUSED_NOTE = (
    "Đồng chí không thể ghi chú vào nhiệm vụ {code}: đồng chí không chỉ đạo, chủ trì "
    "hay phối hợp thực hiện nhiệm vụ này."
)
WITH_REFERENCE = "\nSản phẩm: {reference}"
WITH_NOTE = "\nGhi chú: {note}"
WITH_EVIDENCE = "\nVăn bản, kết quả: {evidence}"
COMPLETED_ON = "\nNgày hoàn thành: {day}"
COMPLETION_ERRORS = {
    "bad_date": "Ngày không hợp lệ. Đề nghị ghi ngày dạng dd/mm/yyyy, ví dụ: ngày 25/01/2024.",
    "future": "Ngày hoàn thành không thể sau hôm nay ({today}). Đề nghị kiểm tra lại ngày.",
    "before_plan": (
        "Ngày hoàn thành không thể trước năm của kế hoạch ({year}). Đề nghị kiểm tra lại ngày."
    ),
}
COMPLETION_DAY_OFFICE_ONLY = (
    "Nhiệm vụ {code} đã được báo hoàn thành. Muốn sửa ngày hoàn thành, đề nghị báo cơ quan "
    "thường trực (Sở Nội vụ)."
)
COMPLETION_DAY_CORRECTED = "Đã sửa ngày hoàn thành của nhiệm vụ {code}: {old} → {new}."
ASK_COMPLETION = (
    "Nhiệm vụ {code} hoàn thành ngày nào? Chọn “Hôm nay”, hoặc trả lời tin nhắn này với ngày "
    "và văn bản (nếu có), ví dụ:\nngày 25/01/2024 Quyết định số 45/QĐ-UBND"
)
ACTION_TODAY = "Hôm nay"
ACTION_DONE_TODAY = "Đã hoàn thành hôm nay"
ACTION_IN_PROGRESS_ONLY = "Vẫn đang thực hiện"
DONE_UNSURE = (
    "Chưa rõ nhiệm vụ {code} đã hoàn thành hẳn chưa (“{note}”). Đề nghị chọn bên dưới, "
    "hoặc gửi lại, ví dụ: {code} 80% {note}"
)
ACTION_CONFIRM = "✅ Xác nhận"
ACTION_RETURN = "↩️ Trả lại"
CONFIRM_NONE = "Không có báo cáo hoàn thành nào chờ xác nhận."
CONFIRM_LIST = "Báo cáo hoàn thành chờ xác nhận ({count}):"
CONFIRM_LINE = "• {code} · hoàn thành ngày {day} {evidence}"
CONFIRM_NOT_AWAITING = "Nhiệm vụ {code} không có báo cáo hoàn thành nào đang chờ xác nhận."
CONFIRMED = "Đã xác nhận nhiệm vụ {code} hoàn thành ngày {day}."
CONFIRMED_NOTICE = "✅ Cơ quan thường trực đã xác nhận nhiệm vụ {code} hoàn thành ngày {day}."
RETURN_REASON_MISSING = "Đề nghị ghi lý do trả lại, ví dụ: /tralai {code} chưa có văn bản ban hành"
RETURNED = "Đã trả lại báo cáo hoàn thành nhiệm vụ {code} (lý do: {reason}); nhiệm vụ trở lại Đang thực hiện."
RETURNED_NOTICE = (
    "↩️ Cơ quan thường trực trả lại báo cáo hoàn thành nhiệm vụ {code}. Lý do: {reason}\n"
    "Nhiệm vụ trở lại Đang thực hiện; khi hoàn thành, đề nghị báo lại."
)
PENDING_NOTICE = (
    "⏳ Nhiệm vụ {code} được báo hoàn thành ngày {day} ({who}){evidence}. Đề nghị xác nhận "
    "hoặc trả lại."
)
ACTION_YESTERDAY = "Hôm qua"
AWAITING_CONFIRMATION = "\n⏳ Chờ cơ quan thường trực xác nhận."

MY_TASKS_TITLE = "Nhiệm vụ của đồng chí {name}"
PLAN_LINE = "Kế hoạch {code} năm {year} · tính đến {today}"
MY_TASKS_NONE = (
    "Kế hoạch {plan} không có nhiệm vụ nào giao cho đồng chí hoặc cơ quan của đồng chí. "
    "Nếu thấy chưa đúng, đề nghị báo cơ quan thường trực (Sở Nội vụ)."
)
MY_TASKS_FOOTER = "Xem chi tiết và cập nhật: /nhiemvu <mã>, ví dụ /nhiemvu {example}"
SUMMARY_COUNTS = (
    "Tổng {total} nhiệm vụ: {overdue} quá hạn · {soon} đến hạn trong 14 ngày · {done} hoàn thành"
)

DUE_NONE_ROADMAP = "Theo lộ trình (không có hạn cố định)"
DUE_NONE_FLAGGED = "Chưa có thời hạn (chờ cơ quan thường trực xác định)"
DUE_ALL_DONE = "Đã hoàn thành"
DUE_OVERDUE = "⚠️ Quá hạn {days} ngày (hạn {due})"
DUE_TODAY = "⏰ Đến hạn hôm nay ({due})"
DUE_LEFT = "Hạn {due} · còn {days} ngày"

DETAIL_SECTION = "Mục {code}. {title}"
DETAIL_DIRECTORS = "Chỉ đạo: {names}"
DETAIL_LEAD = "Chủ trì tham mưu: {names}"
DETAIL_COORDINATING = "Phối hợp: {names}"
DETAIL_TIME = "Thời gian hoàn thành: {text}"
DETAIL_TIME_MISSING = "Thời gian hoàn thành: (kế hoạch không ghi)"
DETAIL_DUE = "Hạn: {due}"
DETAIL_MILESTONES = "Các đợt:"
EXTENDED_FROM = " (gia hạn, hạn ban đầu {original})"
DETAIL_PRODUCT = "Sản phẩm: {product}"
DETAIL_COMPLETED_ON = "Ngày hoàn thành: {day}"
DETAIL_EVIDENCE = "Văn bản, kết quả: {evidence}"
STATUS_AWAITING = "Chờ xác nhận"
LIST_AWAITING = " · ⏳ chờ xác nhận"
XLSX_SUMMARY_AWAITING = "Trong đó báo hoàn thành, chờ xác nhận (chưa tính là hoàn thành)"
DETAIL_AWAITING = "⏳ Chờ cơ quan thường trực xác nhận hoàn thành."
DETAIL_NOTE = "Ghi chú kế hoạch: {note}"
DETAIL_FLAG = "⚑ Lưu ý: {flag}"
DETAIL_STATUS = "Tình trạng: {icon} {status}{progress}"
DETAIL_STANDING = "Tiến độ so với hạn: {standing}"
DETAIL_HISTORY = "Thay đổi gần đây:"
DETAIL_NO_HISTORY = "Chưa có cập nhật nào."
HISTORY_STATUS = "• {at} · {who}: {old} → {new}{progress}{extra}"
HISTORY_DONE_ON = " (ngày hoàn thành {day})"
HISTORY_MILESTONE = "• {at} · {who}: {label} hoàn thành{extra}"
HISTORY_NOTE = "• {at} · {who} ghi chú: “{note}”"
HISTORY_REFERENCE = "• {at} · {who} ghi văn bản, kết quả: “{reference}”"
SOMEONE = "(không rõ)"
NONE = "(không có)"

ACTION_IN_PROGRESS = "Đang thực hiện"
ACTION_DONE = "Hoàn thành"
ACTION_BLOCKED = "Gặp vướng mắc"

BATCH = "Đợt {number}"
COMRADE = "Đ/c {name}"
EXTENSION_NOTE = "Gia hạn {old} → {new}: {reason}"
UPDATE_EXAMPLE = "/capnhat I.5 đang thực hiện 50%"
UNKNOWN_MEMBER = "Không có thành viên tên “{name}”."
CLOSEST = "Có phải đồng chí muốn: {names}?"


def day(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year}"  # 31/03/2024; strftime is slower


def moment(value: datetime, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%d/%m/%Y %H:%M")


def percent(progress: int | None) -> str:
    return f" ({progress}%)" if progress is not None else ""


# The web desk (/web).
WEB_LINK = (
    "Đường dẫn đăng nhập trang theo dõi nhiệm vụ (chỉ xem), có hiệu lực {minutes} phút và chỉ "
    "dùng được một lần; không chuyển cho người khác:\n{url}"
)
WEB_OFF = "Trang theo dõi nhiệm vụ trên web chưa được bật. Đề nghị liên hệ cơ quan thường trực."

# Joining and leaving.
JOINED = "Xin chào đồng chí {name}! Tài khoản {channel} này đã được liên kết với Ban Chỉ đạo CCHC tỉnh.\n\n"
ALREADY_LINKED = "Tài khoản này đã được liên kết với đồng chí {name}; không cần mã mời nữa."
INVITE_INVALID = (
    "Mã mời không đúng, đã được dùng hoặc đã hết hạn. Đề nghị kiểm tra lại, "
    "hoặc xin mã mới từ cơ quan thường trực (Sở Nội vụ)."
)
INVITE_THROTTLED = (
    "Đã nhập sai mã mời quá nhiều lần. Đề nghị thử lại sau {minutes} phút "
    "hoặc liên hệ cơ quan thường trực (Sở Nội vụ)."
)
INVITE_CREATED = (
    "Mã mời cho đồng chí {name} (dùng một lần, hết hạn sau 7 ngày):\n{code}\n"
    "Người được mời gửi cho bot: /start {code}"
)
INVITE_LINK = "\nHoặc mở liên kết: {link}"
INVITE_USAGE = "Cú pháp: /moi <họ và tên thành viên>, ví dụ: /moi Lê Hồng Vinh"
ADMIN_ONLY = "Lệnh này chỉ dành cho cơ quan thường trực (Sở Nội vụ)."
UNLINKED = (
    "Đã hủy liên kết tài khoản này với đồng chí {name}. "
    "Để dùng lại, đề nghị xin mã mời mới từ cơ quan thường trực."
)

# Lists.
OVERDUE_TITLE = "Nhiệm vụ quá hạn chưa hoàn thành"
UPCOMING_TITLE = "Nhiệm vụ đến hạn trong {days} ngày tới"
ALL_TITLE = "Toàn bộ nhiệm vụ của kế hoạch"
SCOPE_MINE = "của đồng chí {name}"
SCOPE_PLAN = "toàn kế hoạch"
LIST_HEADER = "{title} ({scope})\nKế hoạch {code} năm {year} · tính đến {today}"
OVERDUE_NONE = "Không có nhiệm vụ nào quá hạn. 👍"
UPCOMING_NONE = "Không có nhiệm vụ nào đến hạn trong {days} ngày tới."
ALL_FORBIDDEN = (
    "Danh sách toàn bộ kế hoạch dành cho Trưởng Ban, các Phó Trưởng Ban và cơ quan thường trực. "
    "Xem nhiệm vụ của đồng chí: /nhiemvu"
)
SECTION_HEADING = "MỤC {code}. {title}"

# Replies to a bot message, undo.
UPDATE_HINT = "\nĐể thêm ghi chú hoặc số hiệu văn bản: trả lời tin nhắn này, hoặc gửi /capnhat {code} ghi chú <nội dung>."
REFERENCE_SAVED = "Đã ghi văn bản, kết quả cho nhiệm vụ {code}: “{reference}”"
ACTION_UNDO = "↩️ Hoàn tác"
UNDONE = "Đã hoàn tác: nhiệm vụ {code} trở lại {status}{progress}."
UNDONE_MILESTONE = "Đã hoàn tác: {label} của nhiệm vụ {code} chưa hoàn thành."
UNDO_EXPIRED = "Chỉ hoàn tác được trong {minutes} phút sau khi cập nhật, và chỉ khi chưa có cập nhật nào mới hơn."
UNDO_NOT_YOURS = "Đồng chí chỉ có thể hoàn tác cập nhật do chính mình thực hiện."
UNDO_UNKNOWN = "Không tìm thấy cập nhật cần hoàn tác."
GROUP_PRIVATE = (
    "Trong nhóm, bot chỉ trả lời /trogiup. Để xem và cập nhật nhiệm vụ, "
    "đề nghị đồng chí nhắn riêng cho bot."
)

CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "console"}

# The command menu channels show (Telegram's setMyCommands), and what non-text messages get.
MENU = (
    ("nhiemvu", "Nhiệm vụ của tôi"),
    ("quahan", "Nhiệm vụ quá hạn"),
    ("sapden", "Nhiệm vụ đến hạn trong 14 ngày"),
    ("baocao", "Báo cáo tiến độ và biểu đồ"),
    ("capnhat", "Cập nhật tiến độ: /capnhat <mã> <tình trạng>"),
    ("xingiahan", "Xin gia hạn: /xingiahan <mã> <dd/mm/yyyy> <lý do>"),
    ("duyet", "Cơ quan thường trực: yêu cầu gia hạn chờ duyệt"),
    ("chuanhan", "Cơ quan thường trực: ai chưa xác nhận đã nhận"),
    ("trogiup", "Hướng dẫn sử dụng"),
)
UNSUPPORTED = (
    "Bot chỉ đọc tin nhắn chữ, ảnh và tệp văn bản (gửi ảnh, tệp bằng cách trả lời tin nhắn về "
    "nhiệm vụ). Gửi /trogiup để xem các lệnh."
)
FILE_NO_TASK = (
    "Chưa rõ tệp này thuộc nhiệm vụ nào. Đề nghị gửi lại bằng cách trả lời (reply) tin nhắn của "
    "bot về nhiệm vụ, hoặc gửi ngay sau khi báo hoàn thành."
)
FILE_REFUSED = (
    "Đồng chí không thể gửi tệp cho nhiệm vụ {code}: chỉ người chỉ đạo, cơ quan chủ trì và cơ "
    "quan thường trực."
)
FILE_REFUSALS = {
    "too_large": "Tệp quá lớn: tối đa 10 MB.",
    "kind": (
        "Chỉ nhận tệp văn bản và ảnh: PDF, Word, Excel, OpenDocument, JPEG, PNG. "
        "Không nhận tệp chạy được (exe, script…)."
    ),
    "executable": "Tệp này là chương trình chạy được, không phải văn bản: bot không nhận.",
    "empty": "Tệp rỗng: bot không nhận.",
}
FILE_DOWNLOAD_FAILED = "Không tải được tệp từ Telegram. Đề nghị gửi lại sau ít phút."
FILE_SAVED = "📎 Đã lưu tệp “{name}” ({size}) cho nhiệm vụ {code}."
FILE_NOTE = "Gửi tệp: {name}"
FILE_CAPTION = "{code} · {name}"
FILES_NONE = "Nhiệm vụ {code} chưa có tệp nào."
FILES_SENT = "Tệp của nhiệm vụ {code}: {count} tệp."
FILES_REFUSED = "Tệp của nhiệm vụ {code} chỉ gửi cho người chỉ đạo nhiệm vụ và cơ quan thường trực."
DETAIL_FILES = "Tệp kèm theo ({count}), xem bằng /tailieu:"
DETAIL_FILE_LINE = "   📎 {name} · {size} · {at} · {who}"

# Reminders and digests.
REMIND_DEADLINE = "🔔 Nhắc việc · {code}"
REMIND_OVERDUE = "⚠️ Nhiệm vụ quá hạn · {code}"
REMIND_ESCALATION = (
    "🚨 Quá hạn {days} ngày · {code} (báo cáo cơ quan thường trực và lãnh đạo chỉ đạo)"
)
ESCALATION_LIST = "🚨 {count} nhiệm vụ quá hạn kéo dài · {today}"
ESCALATION_LIST_FOOTER = "Xem chi tiết: /nhiemvu <mã>. Danh sách đầy đủ: /quahan"
REMIND_ESCALATION_OWN = "🚨 Quá hạn {days} ngày · {code} · nhiệm vụ đồng chí chỉ đạo"
REMIND_ESCALATION_OWN_ASK = (
    "Cơ quan thường trực đã được báo. Đề nghị đồng chí đôn đốc cơ quan chủ trì hoàn thành."
)
REMIND_COORDINATION = "📨 Đề nghị phối hợp · {code}"
REMIND_CHECKIN = "📋 Cập nhật tiến độ định kỳ · {code} (theo lộ trình)"
REMIND_DUE = "{label}Hạn {due} · {left}"
LEFT_DAYS = "còn {days} ngày"
LEFT_TODAY = "đến hạn hôm nay"
LATE_DAYS = "quá hạn {days} ngày"
REMIND_LEAD = "Cơ quan chủ trì: {names}"
REMIND_DIRECTORS = "Chỉ đạo: {names}"
REMIND_COORDINATION_ASK = (
    "Đề nghị cơ quan phối hợp gửi ý kiến, số liệu cho cơ quan chủ trì trước thời hạn. "
    "Đã gửi: bấm “Đã gửi ý kiến” hoặc trả lời tin nhắn này “đã gửi ý kiến <số văn bản>”."
)
REMIND_CHECKIN_ASK = "Đề nghị cập nhật tiến độ tháng này."
REMIND_FOOTER = (
    "Trả lời tin nhắn này để cập nhật (ví dụ: “xong”, “60%”, “vướng: …”), hoặc chọn bên dưới."
)
DIGEST_TITLE = "📅 Bản tin tuần · đồng chí {name} · {today}"
DIGEST_OVERDUE = "QUÁ HẠN ({count})"
DIGEST_UPCOMING = "ĐẾN HẠN TRONG 30 NGÀY ({count})"
# Beside the whole plan's counts (the office's digest), the lists say whose they are.
DIGEST_OVERDUE_MINE = "QUÁ HẠN · nhiệm vụ liên quan đến đồng chí ({count})"
DIGEST_UPCOMING_MINE = "ĐẾN HẠN TRONG 30 NGÀY · nhiệm vụ liên quan đến đồng chí ({count})"
DIGEST_NOTHING = "Không có nhiệm vụ quá hạn hoặc đến hạn trong 30 ngày tới."
DIGEST_NOTHING_MINE = (
    "Không có nhiệm vụ liên quan đến đồng chí quá hạn hoặc đến hạn trong 30 ngày tới."
)
DIGEST_FOOTER = "Tắt bản tin tuần: /bantin tat"
DIGEST_PLAN = "TOÀN KẾ HOẠCH {code} (mọi nhiệm vụ; danh sách đầy đủ: /quahan, /tatca)"
BLOCKED_REPORT = (
    "⚠️ Không gửi được nhắc việc cho đồng chí {name} qua {channel}: {reason}. "
    "Đề nghị liên hệ trực tiếp."
)
BLOCKED_REASON = "tài khoản đã chặn bot hoặc không còn tồn tại"

# Member preferences.
SETTINGS_VIEW = (
    "Cài đặt nhận tin của đồng chí {name}:\n"
    "• Bản tin tuần (thứ Hai): {digest}\n"
    "• Tạm dừng nhắc việc (nghỉ phép): {pause}\n"
    "• Kênh nhận nhắc việc: {channel}\n\n"
    "Thay đổi: /bantin tat | /bantin bat · /nghiphep 15/10/2024 | /nghiphep huy · "
    "/kenh telegram | /kenh zalo | /kenh tatca"
)
ON = "bật"
OFF = "tắt"
NO_PAUSE = "không"
PAUSE_UNTIL = "đến hết ngày {day}"
ALL_CHANNELS = "tất cả tài khoản đã liên kết"
DIGEST_USAGE = "Cú pháp: /bantin tat (tắt bản tin tuần) hoặc /bantin bat (bật lại)."
DIGEST_SET = "Đã {state} bản tin tuần."
PAUSE_USAGE = "Cú pháp: /nghiphep <ngày cuối nghỉ, dd/mm/yyyy> hoặc /nghiphep huy."
PAUSE_SET = "Đã tạm dừng nhắc việc đến hết ngày {day}. Bản tin và nhắc việc trở lại sau ngày đó."
PAUSE_PAST = "Ngày {day} đã qua. Đề nghị nhập ngày cuối của kỳ nghỉ, ví dụ /nghiphep {example}."
PAUSE_CLEARED = "Đã bật lại nhắc việc."
CHANNEL_USAGE = "Cú pháp: /kenh telegram, /kenh zalo hoặc /kenh tatca (nhận trên mọi tài khoản)."
CHANNEL_SET = "Nhắc việc sẽ gửi qua: {channel}."
CHANNEL_NOT_LINKED = (
    "Đồng chí chưa liên kết tài khoản {channel}; nhắc việc vẫn gửi qua các tài khoản hiện có."
)

# Extensions (gia hạn).
EXTEND_USAGE = (
    "Cú pháp: /giahan <mã> [đợt N] <dd/mm/yyyy> <lý do>, "
    "ví dụ: /giahan I.5 30/04/2024 chờ Trung ương công bố chỉ số"
)
EXTEND_NO_DATE = "Nhiệm vụ {code} không có thời hạn để gia hạn; dùng /giahan {code} <dd/mm/yyyy> sau khi được xác định."
EXTENDED = "Đã gia hạn nhiệm vụ {code}{label}: {old} → {new}. Lý do: {reason}"
EXTEND_OUT_OF_RANGE = (
    "Ngày {day} nằm ngoài khoảng cho phép: hạn mới phải từ năm {first} đến năm {last}."
)
EXTEND_REASON_MISSING = "Đề nghị ghi lý do gia hạn."
EXTEND_NOT_LATER = (
    "Ngày gia hạn ({new}) phải sau hạn hiện tại của nhiệm vụ {code}{label} ({due}): chưa gia hạn. "
    "Muốn đổi thời hạn sang ngày sớm hơn, dùng /suanv {code} thoihan <thời gian mới>, "
    "ví dụ: /suanv {code} thoihan {example}"
)
EXTEND_SAME_DUE = "Hạn hiện tại của nhiệm vụ {code}{label} đã là {due}: không có gì thay đổi."

# Zalo: no buttons; choices are numbered and answered with the number.
CHOICES_INTRO = "Trả lời bằng số:"
CHOICE_LINE = "{number}. {label}"
ZALO_UNSUPPORTED = (
    "Trên Zalo, bot chỉ đọc tin nhắn chữ (không đọc ảnh, nhãn dán hay tệp). Ảnh, tệp văn bản "
    "kèm theo nhiệm vụ: đề nghị gửi qua Telegram. Gửi /trogiup để xem các lệnh."
)

# Reports (/baocao, /xuat).
CATEGORY = {
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành quá hạn",
    "on_track": "Đang thực hiện trong hạn",
    "overdue": "Quá hạn chưa hoàn thành",
    "no_deadline": "Không có thời hạn",
}
CATEGORY_SHORT = {
    "done_on_time": "HT đúng hạn",
    "done_late": "HT quá hạn",
    "on_track": "Trong hạn",
    "overdue": "Quá hạn",
    "no_deadline": "Không thời hạn",
}
REPORT_TITLE = "📊 BÁO CÁO TIẾN ĐỘ · Kế hoạch {code} năm {year}"
REPORT_AS_OF = "Số liệu đến ngày {today} · {scope}"
REPORT_SCOPE_PLAN = "toàn bộ kế hoạch"
REPORT_SCOPE_MINE = "nhiệm vụ liên quan đến đồng chí {name}"
REPORT_TOTAL = "Tổng số: {total} nhiệm vụ"
REPORT_LINE = "• {label}: {count} ({percent})"
REPORT_BY_SECTION = "THEO MỤC"
REPORT_BY_DIRECTOR = "THEO NGƯỜI CHỈ ĐẠO"
REPORT_BY_LEAD = "THEO CƠ QUAN CHỦ TRÌ"
REPORT_BREAKDOWN_LINE = "• {label}: {total} NV — {parts}"
REPORT_OVERDUE = "DANH SÁCH QUÁ HẠN ({count})"
REPORT_OVERDUE_LINE = (
    "• {code} · {content}\n   quá hạn {days} ngày (hạn {due}{extended}) · chủ trì: {lead}"
)
REPORT_EXTENDED = ", gia hạn đến {day}"
REPORT_PARTS = " · {done}/{total} cơ quan đã hoàn thành"
REPORT_NONE_OVERDUE = "Không có nhiệm vụ quá hạn."
REPORT_EMPTY = "Không có nhiệm vụ nào trong phạm vi báo cáo."
REPORT_FOOTER_EXPORT = "Cơ quan thường trực: /xuat — tệp Excel báo cáo. "
# The other chart than the one this report comes with: by section (/baocao), by director.
REPORT_OTHER_CHART = {
    False: "Biểu đồ theo người chỉ đạo: /baocao chidao",
    True: "Biểu đồ theo mục: /baocao",
}
REPORT_AWAITING = "• Báo hoàn thành, chờ xác nhận (chưa tính là hoàn thành): {count} ({codes})"
REPORT_CHART_CAPTION = "Biểu đồ: {title}"
REPORT_CHART_SAVED = "Biểu đồ đã lưu: {path}"
REPORT_FILE_SAVED = "Tệp đã lưu: {path}"
REPORT_NO_FILES_HERE = (
    "(Biểu đồ và tệp Excel gửi qua Telegram hoặc lệnh python -m bot export trên máy chủ.)"
)
CHART_TITLE_SECTION = "Nhiệm vụ theo mục · Kế hoạch {code} năm {year} · đến {today}"
CHART_TITLE_DIRECTOR = "Nhiệm vụ theo người chỉ đạo · Kế hoạch {code} năm {year} · đến {today}"
CHART_AXIS = "Số nhiệm vụ"
REPORT_UNASSIGNED = "(chưa giao)"
EXPORT_READY = "📎 Báo cáo Excel Kế hoạch {code} năm {year}, số liệu đến ngày {today}."

# The workbook (column headers and sheet names as in the annex).
XLSX_SHEET_PLAN = "Kế hoạch {year}"
XLSX_SHEET_SUMMARY = "Tổng hợp"
XLSX_TITLE = "DANH MỤC CÁC NHIỆM VỤ TRỌNG TÂM · Kế hoạch {code} năm {year}"
XLSX_AS_OF = "Tình trạng đến ngày {today}"
XLSX_HEADERS = (
    "STT",
    "Nội dung thực hiện",
    "Chịu trách nhiệm chỉ đạo tiến độ",
    "Cơ quan chủ trì tham mưu",
    "Cơ quan phối hợp",
    "Thời gian hoàn thành",
    "Sản phẩm",
    "Văn bản, kết quả",
    "Tình trạng",
    "Tiến độ (%)",
    "Cập nhật lần cuối",
    "Ghi chú",
)
XLSX_FLAG_PREFIX = "Lưu ý: "
XLSX_STATUS_DETAIL_EXTENDED = "Gia hạn đến {new} (hạn gốc {old})"
XLSX_STATUS_DETAIL_LATE = "Quá hạn {days} ngày"
XLSX_SUMMARY_HEADERS = ("Phân loại", "Số nhiệm vụ", "Tỷ lệ (%)")
XLSX_SUMMARY_TOTAL = "Tổng số"
# The document's frame (Nghị định 30/2020/NĐ-CP): header block, date line, signature, page numbers.
XLSX_GOVERNING_BODY = "UBND TỈNH NGHỆ AN"
XLSX_ISSUER = "BAN CHỈ ĐẠO CẢI CÁCH HÀNH CHÍNH TỈNH"
XLSX_NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
XLSX_MOTTO = "Độc lập - Tự do - Hạnh phúc"
XLSX_DATE_LINE = "Nghệ An, ngày {day} tháng {month} năm {year}"
XLSX_SIGN_FOR = "TM. BAN CHỈ ĐẠO"
XLSX_SIGNER = "CƠ QUAN THƯỜNG TRỰC - SỞ NỘI VỤ"
XLSX_SIGN_HINT = "(Ký, ghi rõ họ tên, đóng dấu)"
XLSX_PAGE_FOOTER = "Trang &P/&N"
IMPORT_FLAG_NO_DATE = (
    "Kế hoạch không ghi thời gian hoàn thành đọc được (“{text}”); "
    "đề nghị cơ quan thường trực xác định thời hạn."
)

# The standing office's commands (admins).
ROLE_WORDS = {"director": "chỉ đạo", "lead": "chủ trì", "coordinating": "phối hợp"}
TASK_ADD_USAGE = (
    "Cú pháp: /themnv <mục> | <nội dung> | <thời gian hoàn thành> [| <sản phẩm>], ví dụ:\n"
    "/themnv II | Tổ chức hội nghị sơ kết CCHC 6 tháng | Quý III/2024 | Báo cáo"
)
TASK_ADD_NO_SECTION = "Kế hoạch {plan} không có mục {section}. Các mục: {sections}."
TASK_ADDED = (
    "Đã thêm nhiệm vụ {code}: {content}\nThời gian hoàn thành: {deadline}\n"
    "Giao việc: /giao {code} chutri <cơ quan> · /giao {code} chidao <họ tên>"
)
TASK_EDIT_USAGE = (
    "Cú pháp: /suanv <mã> <noidung|thoihan|sanpham|ghichu> <giá trị mới>, ví dụ:\n"
    "/suanv I.5 thoihan Quý II/2024"
)
TASK_EDITED = "Đã sửa {field} của nhiệm vụ {code}: “{old}” → “{new}”."
FIELD_NAMES = {
    "content": "nội dung",
    "deadline_text": "thời gian hoàn thành",
    "product": "sản phẩm",
    "note": "ghi chú",
}
DEADLINE_UNREADABLE = (
    "Không đọc được thời gian hoàn thành “{text}”. Ví dụ: Quý II/2024, Tháng 6/2024, "
    "30/06/2024, Đợt 1 tháng 6/2024 - Đợt 2 tháng 12/2024, Theo lộ trình."
)
ASSIGN_USAGE = (
    "Cú pháp: /giao <mã> <chidao|chutri|phoihop> <họ tên hoặc cơ quan>, ví dụ:\n"
    "/giao I.5 chutri Sở Nội vụ · /giao I.5 chidao Lê Hồng Vinh\n"
    "Bỏ giao: /bogiao <mã> <chidao|chutri|phoihop> <họ tên hoặc cơ quan>"
)
UNKNOWN_AGENCY = "Không có cơ quan “{name}”."
UNKNOWN_DIRECTOR = "Không có thành viên hay nhóm chức danh “{name}”."
ASSIGNED = "Đã giao {role} nhiệm vụ {code}: {name}."
ASSIGN_EXISTS = "{name} đã được giao {role} nhiệm vụ {code}."
UNASSIGNED = "Đã bỏ giao {role} nhiệm vụ {code}: {name}."
UNASSIGN_MISSING = "{name} không được giao {role} nhiệm vụ {code}."
MEMBER_ADD_USAGE = (
    "Cú pháp: /themtv <họ và tên> | <cơ quan> [| quản trị], ví dụ:\n"
    "/themtv Nguyễn Văn An | Sở Tư pháp"
)
MEMBER_EXISTS = "Đã có thành viên {name}. Tạo mã mời: /moi {name}"
MEMBER_ADDED = (
    "Đã thêm thành viên {name} ({agency}){admin}.\n"
    "Mã tham gia (dùng một lần, hiệu lực 7 ngày): {code}\n"
    "Gửi cho đồng chí {name} để nhắn cho bot: /start {code}"
)
MEMBER_ADDED_ADMIN = ", quyền cơ quan thường trực"
MEMBER_REMOVE_USAGE = "Cú pháp: /xoatv <họ và tên>"
MEMBER_REMOVED = (
    "Đã ngừng quyền truy cập của đồng chí {name}: các tài khoản đã liên kết không dùng được bot "
    "từ bây giờ và không nhận nhắc việc. Lịch sử cập nhật được giữ nguyên."
)
MEMBER_REMOVE_SELF = "Không thể tự ngừng quyền truy cập của mình."
AGENCY_ADD_USAGE = (
    "Cú pháp: /themcq <tên cơ quan> [| sở | huyện | đảng | đoàn thể | khác], ví dụ:\n"
    "/themcq Sở Tư pháp · /themcq UBND huyện Nghi Lộc | huyện"
)
AGENCY_KINDS = {
    "department": "sở, ban, ngành",
    "district": "UBND cấp huyện",
    "party": "cơ quan Đảng",
    "mass_org": "tổ chức chính trị - xã hội",
    "other": "khác",
}
AGENCY_EXISTS = "Đã có cơ quan {name}."
AGENCY_ADDED = "Đã thêm cơ quan {name} (nhóm: {kind})."
NOT_JOINED_TITLE = "Thành viên chưa liên kết tài khoản ({count}/{total}):"
NOT_JOINED_LINE = "• {name}{agencies}"
NOT_JOINED_NONE = "Tất cả {total} thành viên đã liên kết tài khoản."
NOT_JOINED_FOOTER = "Tạo mã mời: /moi <họ tên>"
ANNOUNCE_USAGE = "Cú pháp: /thongbao <nội dung thông báo gửi tới mọi thành viên>"
ANNOUNCE_QUEUED = (
    "Đã nhận thông báo; đang gửi tới {count} thành viên đã liên kết tài khoản{missing}. "
    "Sau 1 giờ, bot sẽ báo lại số thành viên đã bấm “Đã nhận”."
)
ANNOUNCE_MISSING = " ({count} thành viên chưa liên kết sẽ không nhận được)"
ANNOUNCEMENT = "📢 THÔNG BÁO CỦA CƠ QUAN THƯỜNG TRỰC BAN CHỈ ĐẠO CCHC\n\n{text}\n\n— {name}"
AUDIT_TITLE = "Nhật ký quản trị (mới nhất trước):"
AUDIT_LINE = "• {at} · {who}: {action} {target}{detail}"
AUDIT_NONE = "Chưa có thao tác quản trị nào."
AUDIT_ACTIONS = {
    "task_add": "thêm nhiệm vụ",
    "task_edit": "sửa nhiệm vụ",
    "assign": "giao",
    "unassign": "bỏ giao",
    "extend": "gia hạn",
    "extension_request": "xin gia hạn",
    "extension_approve": "duyệt gia hạn",
    "extension_refuse": "từ chối gia hạn",
    "member_add": "thêm thành viên",
    "member_remove": "ngừng quyền thành viên",
    "agency_add": "thêm cơ quan",
    "invite": "tạo mã mời cho",
    "announce": "gửi thông báo",
    "plan_import": "nhập kế hoạch",
    "admin_grant": "cấp quyền quản trị cho",
    "admin_revoke": "thu hồi quyền quản trị của",
}
ADMIN_NOTE = "Cơ quan thường trực {action}: {detail}"
ASSIGN_DETAIL = "{role} {name}"
ADMIN_MARK = " (quản trị)"
MEMBERS_COUNT = "{count} thành viên"

# Choosing a plan (year).
PLANS_TITLE = "Các kế hoạch trong hệ thống:"
PLAN_CHOICE_LINE = "• {year}: Kế hoạch {code}{current}"
PLAN_CHOSEN_MARK = " ← đang xem"
PLANS_FOOTER = "Xem kế hoạch khác: /kehoach <năm>, ví dụ /kehoach {example}; trở lại kế hoạch hiện hành: /kehoach hientai"
PLAN_SET = "Đồng chí đang xem Kế hoạch {code} năm {year}. Các lệnh /nhiemvu, /baocao… áp dụng cho kế hoạch này."
PLAN_RESET = "Đã trở lại kế hoạch hiện hành: Kế hoạch {code} năm {year}."
PLAN_UNKNOWN = "Không có kế hoạch năm {year}. Các năm hiện có: {years}."
CONSOLE_OLD_PLAN = (
    "Lưu ý: đồng hồ của dịch vụ đang là {today}, kế hoạch mới nhất là năm {year}, nên các nhiệm vụ "
    "của kế hoạch đó hiện là quá hạn. Để xem như vào một ngày của năm {year}, chạy lại với "
    "BOT_NOW={year}-03-20T09:00+07:00"
)


# Extension requests (xin gia hạn): a member asks, the standing office approves or refuses.
ACTION_REQUEST_EXTENSION = "⏳ Xin gia hạn"
ACTION_APPROVE = "✅ Duyệt"
ACTION_REFUSE = "❌ Từ chối"
REQUEST_USAGE = (
    "Cú pháp: /xingiahan <mã> [đợt N] <dd/mm/yyyy> <lý do>, "
    "ví dụ: /xingiahan III.5 31/03/2025 chờ hướng dẫn của Bộ Nội vụ"
)
REQUEST_ASK = (
    "Xin gia hạn nhiệm vụ {code}{label} (hạn hiện tại {due}).\n"
    "Đề nghị gửi ngày đề nghị gia hạn và lý do trong tin nhắn tiếp theo (hoặc trả lời tin này), "
    "ví dụ: {example} chờ hướng dẫn của Bộ Nội vụ\nGõ “hủy” để thôi."
)
REQUEST_ASK_AGAIN = "Chưa đọc được ngày. "
REQUEST_REASON_MISSING = (
    "Đề nghị ghi lý do xin gia hạn, ví dụ: /xingiahan {code} {day} chờ hướng dẫn của Bộ Nội vụ"
)
REQUEST_NOT_LATER = (
    "Ngày xin gia hạn ({new}) phải sau hạn hiện tại của nhiệm vụ {code}{label} ({due})."
)
REQUEST_REFUSED = (
    "Đồng chí không thể xin gia hạn nhiệm vụ {code}: chỉ người chỉ đạo, cơ quan chủ trì "
    "({lead}) và cơ quan thường trực được đề nghị thay đổi thời hạn."
)
REQUEST_SENT = (
    "Đã gửi yêu cầu gia hạn số {number} cho cơ quan thường trực: nhiệm vụ {code}{label}, "
    "{due} → {new}. Lý do: {reason}\nĐồng chí sẽ được báo khi yêu cầu được duyệt hoặc từ chối."
)
REQUEST_REPLACES = "\n(Thay cho yêu cầu số {number} đang chờ duyệt.)"
REQUEST_NOTE = "Xin gia hạn {old} → {new} (yêu cầu số {number}): {reason}"
REQUEST_DETAIL = "yêu cầu số {number}: {old} → {new}: {reason}"
REQUEST_CANCELLED = "Đã hủy, không gửi yêu cầu gia hạn."
REQUEST_NOTICE = (
    "⏳ YÊU CẦU GIA HẠN SỐ {number} · {code}{label}\n{content}\n"
    "Người đề nghị: {name}\nHạn hiện tại: {due}{original} → đề nghị: {new}\nLý do: {reason}\n\n"
    "Duyệt: /duyet {number} · Từ chối: /tuchoi {number} <lý do>"
)
REQUEST_ORIGINAL = " (hạn gốc {day})"
PENDING_TITLE = "Yêu cầu gia hạn chờ duyệt ({count}):"
PENDING_LINE = "• Số {number} · {code}{label} · {name}: {due} → {new}\n   Lý do: {reason}"
PENDING_NONE = "Không có yêu cầu gia hạn nào chờ duyệt."
PENDING_FOOTER = "Duyệt: /duyet <số> · Từ chối: /tuchoi <số> <lý do>"
DECIDE_USAGE = (
    "Cú pháp: /duyet <số> hoặc /tuchoi <số> <lý do>, ví dụ: /tuchoi {example} chưa đủ căn cứ"
)
DECIDE_NOT_FOUND = "Không có yêu cầu gia hạn số {number}. Xem các yêu cầu chờ duyệt: /duyet"
DECIDE_NOT_PENDING = "Yêu cầu gia hạn số {number} đã được xử lý trước đó ({state})."
REQUEST_STATES = {
    "approved": "đã duyệt",
    "refused": "đã từ chối",
    "replaced": "đã được thay bằng yêu cầu mới hơn",
}
DECIDE_NOT_LATER = (
    "Hạn của nhiệm vụ {code}{label} hiện đã là {due}, không sớm hơn ngày đề nghị {new}: "
    "yêu cầu số {number} không còn cần gia hạn. Từ chối: /tuchoi {number} <lý do>"
)
REFUSE_ASK = "Đề nghị gửi lý do từ chối yêu cầu gia hạn số {number} trong tin nhắn tiếp theo (hoặc trả lời tin này). Gõ “hủy” để thôi."
APPROVED = (
    "Đã duyệt yêu cầu số {number} của đồng chí {name}: nhiệm vụ {code}{label} gia hạn "
    "{old} → {new}. Lý do: {reason}"
)
APPROVED_NOTICE = (
    "✅ Yêu cầu gia hạn số {number} đã được duyệt: nhiệm vụ {code}{label} gia hạn "
    "{old} → {new}.\nNgười duyệt: {name}"
)
APPROVED_NOTE = " (duyệt yêu cầu số {number} của {name})"
REFUSED = (
    "Đã từ chối yêu cầu số {number} của đồng chí {name} (nhiệm vụ {code}{label}). Lý do: {reason}"
)
REFUSED_NOTICE = (
    "❌ Yêu cầu gia hạn số {number} (nhiệm vụ {code}{label}, đến {new}) không được chấp thuận.\n"
    "Lý do: {reason}\nNgười xử lý: {name}. Hạn vẫn là {due}."
)
EXT_REFUSED_NOTE = "Từ chối xin gia hạn đến {new} (yêu cầu số {number} của {name}): {reason}"
REPORT_PENDING = "\n   ⏳ xin gia hạn đến {day} (yêu cầu số {number}, chờ duyệt)"
XLSX_STATUS_DETAIL_PENDING = "Xin gia hạn đến {day}, chờ duyệt (yêu cầu số {number})"
# /giahan to the asked day or later meets a pending request: it is approved at once.
EXTEND_MET = "\nĐã đáp ứng yêu cầu gia hạn số {number} của {name}."
MET_NOTE = " (đáp ứng yêu cầu số {number} của {name})"
MET_ANSWER = "Đáp ứng bằng gia hạn của cơ quan thường trực đến {new}."
# Answers to reminders, digests and announcements: "Đã nhận", "Nhắc lại" (snooze); /chuanhan.
ACTION_ACK = "✅ Đã nhận"
ACTION_SNOOZE = {
    "chieu": "⏰ Nhắc lại chiều nay",
    "mai": "⏰ Nhắc lại ngày mai",
    "3ngay": "⏰ Nhắc lại sau 3 ngày",
}
ACK_DONE = "✅ Đã nhận · {name} · {at}"
ACK_ALREADY = "Đồng chí đã xác nhận đã nhận tin này lúc {at}."
ACK_SAVED = "✅ Đã ghi nhận: đồng chí đã nhận {what} (lúc {at})."
ACK_WHAT_REMINDER = "nhắc việc {code}"
ACK_WHAT_DIGEST = "bản tin tuần"
ACK_WHAT_LIST = "danh sách nhiệm vụ quá hạn kéo dài"
ACK_WHAT_ANNOUNCEMENT = "thông báo ngày {day}"
ACK_NOT_YOURS = "Tin nhắn này không gửi cho đồng chí nên không thể xác nhận thay."
ACK_NOTHING = (
    "Không có nhắc việc hoặc thông báo nào gần đây để xác nhận đã nhận. "
    "Để ghi chú vào một nhiệm vụ: /capnhat <mã> ghi chú <nội dung>"
)
ACK_USAGE = "Đề nghị bấm nút “Đã nhận” dưới tin nhắc việc, hoặc trả lời tin đó: “đã nhận”."
SNOOZE_SET = "⏰ Sẽ nhắc lại lúc {at}."
SNOOZE_PAST_DEADLINE = (
    "Không thể nhắc lại sau ngày đến hạn ({due}). Chọn “Nhắc lại chiều nay”, hoặc cập nhật tiến độ."
)
SNOOZE_TOO_LATE = "Đã quá 14:00 hôm nay: đề nghị chọn “Nhắc lại ngày mai”."
SNOOZE_NOT_YOURS = (
    "Nhắc nhở này không gửi cho đồng chí nên không thể hẹn nhắc lại. Đề nghị bấm nút "
    "“⏰ Nhắc lại” dưới tin nhắc việc của đồng chí."
)
SNOOZE_USAGE = "Đề nghị bấm một nút “Nhắc lại” dưới tin nhắc việc."
REMIND_SNOOZED = "⏰ Nhắc lại · {code}"
REMIND_REPEAT = "🔁 Nhắc lại (chưa xác nhận đã nhận) · {code}"
RECEIPTS_COUNT = "📬 Thông báo #{id} (“{start}”): {acknowledged}/{sent} đã nhận."
UNACK_TITLE = "Ai chưa xác nhận “Đã nhận” · {scope}"
UNACK_SCOPE_RECENT = "nhắc việc 7 ngày qua"
UNACK_SCOPE_TASK = "nhắc việc nhiệm vụ {code} (30 ngày qua)"
UNACK_SCOPE_ANNOUNCEMENTS = "các thông báo gần nhất"
UNACK_ITEM = "• {subject} · gửi {sent} · đã nhận {acknowledged}/{total}"
UNACK_NOT_YET = "   Chưa nhận: {names}"
UNACK_DONE = "   Đã nhận: {names}"
UNACK_NOBODY = "   Tất cả đã nhận."
UNACK_PERSON_AGO = "{name} ({ago} trước)"
UNACK_NOTHING = "Không có nhắc việc hoặc thông báo nào đã gửi trong khoảng này."
UNACK_MORE = "… và {count} lượt gửi khác. Xem theo nhiệm vụ: /chuanhan <mã>"
UNACK_USAGE = "Cú pháp: /chuanhan (nhắc việc 7 ngày qua), /chuanhan <mã> hoặc /chuanhan thongbao"
UNACK_ANNOUNCEMENT = "Thông báo #{id} “{start}”"
UNACK_KIND = {
    "deadline": "nhắc hạn",
    "overdue": "quá hạn",
    "escalation": "quá hạn kéo dài",
    "coordination": "đề nghị phối hợp",
    "checkin": "cập nhật định kỳ",
    "digest": "bản tin tuần",
    "snoozed": "nhắc lại theo hẹn",
    "repeat": "nhắc lại (chưa nhận)",
}
DIGEST_UNACKNOWLEDGED = "CHƯA XÁC NHẬN ĐÃ NHẬN (nhắc việc tuần qua): {total}"
DIGEST_UNACKNOWLEDGED_LINE = "   {agency}: {count}"
DIGEST_NO_AGENCY = "Chưa gắn cơ quan"


def ago(delta: timedelta) -> str:
    """ "5 phút", "3 giờ", "2 ngày": how long since a message was sent."""
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} phút"
    if minutes < 24 * 60:
        return f"{minutes // 60} giờ"
    return f"{minutes // (24 * 60)} ngày"


# `remind --dry-run` (read by the operator).
PREVIEW_TITLE = "Nhắc việc đến hạn lúc {at} ({zone}): {count}"
PREVIEW_SUBJECT_TASK = "{code}, hạn {due}"
PREVIEW_SUBJECT_DIGEST = "Bản tin tuần"
PREVIEW_LINE = "- {subject}: {reason}"
PREVIEW_REASON = {
    "deadline": "nhắc hạn",
    "coordination": "cơ quan phối hợp: gửi ý kiến cho cơ quan chủ trì",
    "overdue": "quá hạn",
    "escalation": "quá hạn kéo dài: báo cơ quan thường trực và lãnh đạo chỉ đạo",
    "checkin": "cập nhật định kỳ hằng tháng (không có thời hạn cố định)",
    "digest": "bản tin tuần",
}
PREVIEW_UNREACHABLE = "chưa liên lạc được (chưa liên kết, đang nghỉ phép hoặc đã chặn bot)"
PREVIEW_NOBODY = "    (chưa có ai đảm nhận vai trò này)"
PREVIEW_IN_ESCALATION = "    (không gửi riêng: người nhận đã có tin quá hạn kéo dài ở trên)"
XLSX_UNACKNOWLEDGED = "Nhắc việc 7 ngày trước ngày báo cáo chưa được xác nhận “Đã nhận”"
XLSX_UNACKNOWLEDGED_HEADERS = ("Cơ quan", "Số tin nhắc")

# Parts of a collective task (each agency its own part) and coordination input.
PARTS_DONE = "{done}/{total} cơ quan đã hoàn thành"
LIST_PARTS = " · {done}/{total} cơ quan"
PART_UPDATED = "\nPhần việc của {agency} · {done}/{total} cơ quan đã hoàn thành."
PARTS_ONLY = (
    "Nhiệm vụ {code} do từng cơ quan thực hiện phần việc của mình; tình trạng chung được tính "
    "từ các phần việc ({done}/{total} cơ quan đã hoàn thành). Lãnh đạo hoặc cơ quan thường trực "
    "có thể kết thúc cả nhiệm vụ, ghi rõ lý do: /capnhat {code} kết thúc <lý do>"
)
CLOSE_REASON_MISSING = (
    "Chưa phải mọi cơ quan đã hoàn thành nhiệm vụ {code} ({done}/{total}). Để kết thúc cả "
    "nhiệm vụ, đề nghị ghi rõ lý do: /capnhat {code} kết thúc <lý do>"
)
CLOSED = "Đã kết thúc nhiệm vụ {code} ({done}/{total} cơ quan đã hoàn thành).\nLý do: {reason}"
ALREADY_CLOSED = "Nhiệm vụ {code} đã được kết thúc; không có gì thay đổi."
REOPENED = (
    "Đã mở lại nhiệm vụ {code}: tình trạng chung lại tính từ phần việc của các cơ quan "
    "({done}/{total} cơ quan đã hoàn thành)."
)
DETAIL_PARTS = "Các cơ quan: {done}/{total} cơ quan đã hoàn thành"
DETAIL_OWN_PART = "Phần việc của {agency}: {icon} {status}{progress}"
DETAIL_WHOLE = "Cả nhiệm vụ: {icon} {status}{progress}"
DETAIL_CLOSED = "Đã kết thúc cả nhiệm vụ: {reason}"
DETAIL_NOT_REPORTED = "Chưa báo cáo ({count}): {names}"
DETAIL_PARTS_DONE = "Đã hoàn thành ({count}): {names}"
DETAIL_PARTS_OPEN = "Đang thực hiện, vướng mắc ({count}): {names}"
DETAIL_INPUTS_SENT = "Đã gửi ý kiến phối hợp ({count}): {names}"
DETAIL_INPUTS_MISSING = "Chưa gửi ý kiến phối hợp ({count}): {names}"
INPUT_LINE = "{name} ({day}{reference})"
INPUT_SAVED = "Đã ghi nhận: {agency} đã gửi ý kiến phối hợp cho nhiệm vụ {code}."
INPUT_REFERENCE = "\nVăn bản: {reference}"
INPUT_REFUSED = (
    "Chỉ cơ quan phối hợp của nhiệm vụ {code} báo “đã gửi ý kiến”. Cơ quan chủ trì cập nhật "
    "tình trạng: /capnhat {code} đang thực hiện"
)
ACTION_INPUT_SENT = "📨 Đã gửi ý kiến"
XLSX_PARTS_SHEET = "Phần việc các cơ quan"
XLSX_PARTS_HEADERS = (
    "Mã",
    "Nhiệm vụ",
    "Cơ quan",
    "Tình trạng",
    "Tiến độ (%)",
    "Ngày hoàn thành",
    "Văn bản, kết quả",
)
XLSX_PARTS_COLUMN = "Các cơ quan"
HISTORY_INPUT = "• {at} · {who}: đã gửi ý kiến phối hợp{extra}"
CLOSE_REFUSED = (
    "Chỉ người chịu trách nhiệm chỉ đạo và cơ quan thường trực kết thúc cả nhiệm vụ {code}; "
    "cơ quan cập nhật phần việc của mình: /capnhat {code} hoàn thành"
)
REOPEN_REFUSED = (
    "Chỉ người chịu trách nhiệm chỉ đạo và cơ quan thường trực mở lại cả nhiệm vụ {code}; "
    "cơ quan cập nhật phần việc của mình: /capnhat {code} đang thực hiện"
)
NOT_CLOSED = (
    "Nhiệm vụ {code} chưa được kết thúc nên không cần mở lại; tình trạng chung đang tính từ "
    "phần việc của các cơ quan."
)
