"""Why a bundle was rejected: stable snake_case reason codes and their Vietnamese messages.

The codes are a contract (``qnapp verify --json``, the import ledger, the GUI): never
rename one. Each of the 38 bad inputs of ``docs/bundle-design.md`` §10 has its own
code; the table in ``docs/bundles.md`` maps them.
"""

from __future__ import annotations

from qnapp.errors import QnappError
from qnapp.i18n import N_, _

# code -> message (Vietnamese, marked for translation; translated when raised)
REASONS: dict[str, str] = {
    # -- step 1: the container -------------------------------------------------------
    "not_a_zip": N_("Tệp không phải là gói báo cáo (không phải tệp zip, hoặc tệp rỗng)."),
    "zip_junk_prefix": N_("Tệp có dữ liệu lạ chèn trước nội dung zip; không nhận."),
    "zip_truncated": N_("Tệp zip bị cắt cụt (chưa tải/chép xong). Hãy đề nghị gửi lại."),
    "zip_trailing_data": N_("Tệp zip có dữ liệu lạ ở cuối; không nhận."),
    "zip_too_large": N_("Tệp quá lớn so với một gói báo cáo; không nhận."),
    "zip_unsupported": N_("Tệp zip dùng tính năng không được hỗ trợ (zip64, nhiều phần, …)."),
    "zip_corrupt": N_("Cấu trúc tệp zip bị hỏng."),
    # -- step 2: the central directory ---------------------------------------------------
    "zip_too_many_members": N_("Tệp zip có quá nhiều thành phần."),
    "zip_duplicate_name": N_("Tệp zip có hai thành phần trùng tên."),
    "zip_nfc_twin": N_("Tệp zip có hai thành phần tên giống nhau khi chuẩn hóa Unicode (NFC/NFD)."),
    "zip_case_duplicate": N_("Tệp zip có hai thành phần tên chỉ khác nhau chữ hoa/chữ thường."),
    "zip_dir_file_clash": N_("Tệp zip có một thư mục và một tệp cùng tên."),
    "zip_absolute_path": N_("Tệp zip có thành phần mang đường dẫn tuyệt đối."),
    "zip_backslash_path": N_("Tệp zip có thành phần mang dấu gạch chéo ngược trong tên."),
    "zip_path_traversal": N_("Tệp zip có thành phần trỏ ra ngoài thư mục gói («..»)."),
    "zip_ads_name": N_("Tệp zip có tên thành phần chứa «:» hoặc kết thúc bằng dấu chấm/khoảng trắng."),
    "zip_reserved_name": N_("Tệp zip có tên thành phần là tên dành riêng của Windows (CON, NUL, …)."),
    "zip_symlink": N_("Tệp zip có liên kết tượng trưng (symlink); không nhận."),
    "zip_special_file": N_("Tệp zip có thành phần không phải tệp thường."),
    "zip_directory_entry": N_("Tệp zip có mục thư mục; gói báo cáo chỉ chứa tệp."),
    "zip_bad_name": N_("Tệp zip có tên thành phần không hợp lệ với gói báo cáo."),
    "zip_encrypted": N_("Tệp zip có thành phần được mã hóa bằng mật khẩu; không nhận."),
    "zip_bad_method": N_("Tệp zip dùng phương pháp nén không được hỗ trợ."),
    "zip_bomb": N_("Tệp zip giải nén ra quá lớn (nghi «bom zip»); không nhận."),
    "zip_member_too_large": N_("Một thành phần trong tệp zip quá lớn."),
    "zip_header_mismatch": N_("Thông tin một thành phần trong tệp zip không khớp giữa hai phần đầu mục."),
    "zip_overlap": N_("Các thành phần trong tệp zip chồng lên nhau (nghi «bom zip»); không nhận."),
    "zip_gap": N_("Tệp zip có dữ liệu ẩn giữa các thành phần; không nhận."),
    "zip_crc_mismatch": N_("Một thành phần trong tệp zip bị hỏng (sai mã kiểm tra CRC)."),
    # -- step 3: required members ----------------------------------------------------------
    "signature_missing": N_("Gói không có chữ ký (signature/bundle.minisig)."),
    "tagmanifest_missing": N_("Gói thiếu tệp tagmanifest-sha256.txt."),
    # -- steps 4–5: the signature ----------------------------------------------------------
    "signature_malformed": N_("Tệp chữ ký không đúng định dạng."),
    "signature_legacy_algorithm": N_("Chữ ký dạng cũ (không băm trước) không được chấp nhận."),
    "key_unknown": N_("Gói được ký bằng một khóa chưa được tin cậy. Hãy kiểm tra và thêm khóa của đơn vị gửi trước."),
    "key_revoked": N_("Khóa ký gói này đã bị thu hồi."),
    "signature_invalid": N_("Chữ ký không khớp: gói đã bị thay đổi hoặc không do khóa này ký."),
    "signature_comment_invalid": N_("Chú thích được xác thực của chữ ký đã bị sửa."),
    "key_wrong_unit": N_("Khóa ký gói này được tin cậy cho một đơn vị khác, không phải đơn vị ghi trong gói."),
    # -- step 6: the tag manifest ----------------------------------------------------------
    "tagmanifest_malformed": N_("Tệp tagmanifest-sha256.txt không đúng định dạng."),
    "tagmanifest_wrong_set": N_("Tệp tagmanifest-sha256.txt không liệt kê đúng các tệp mô tả gói."),
    "tag_file_missing": N_("Gói thiếu một tệp mô tả được liệt kê trong tagmanifest."),
    "tag_file_too_large": N_("Một tệp mô tả của gói quá lớn."),
    "tagmanifest_hash_mismatch": N_("Một tệp mô tả của gói đã bị sửa (mã băm không khớp)."),
    "header_hash_mismatch": N_("Tệp bundle.json đã bị sửa sau khi ký (mã băm không khớp)."),
    # -- step 7: the payload manifest ------------------------------------------------------
    "manifest_malformed": N_("Tệp manifest-sha256.txt không đúng định dạng."),
    "payload_missing": N_("Gói thiếu một tệp dữ liệu (data/…)."),
    "payload_unlisted": N_("Gói có tệp dữ liệu lạ không được liệt kê trong manifest."),
    "payload_hash_mismatch": N_("Một tệp dữ liệu của gói đã bị sửa (mã băm không khớp)."),
    "payload_not_allowed": N_("Gói có tệp dữ liệu không thuộc định dạng gói báo cáo (chỉ nhận số liệu, hoạt động, "
                              "bảng tổng hợp Excel và phần xác thực của đơn vị trực thuộc); không nhận."),
    "payload_too_large": N_("Một tệp dữ liệu của gói lớn hơn mức định dạng gói báo cáo cho phép; không nhận."),
    # -- step 8: the exact member set ------------------------------------------------------
    "tag_file_unlisted": N_("Gói có tệp lạ không thuộc gói báo cáo."),
    # -- step 9: the header ----------------------------------------------------------------
    "header_invalid": N_("Tệp bundle.json không hợp lệ."),
    "signature_header_mismatch": N_("Chú thích của chữ ký không khớp với bundle.json."),
    "bagit_invalid": N_("Tệp bagit.txt không hợp lệ."),
    "baginfo_mismatch": N_("Tệp bag-info.txt không khớp với bundle.json."),
    "signer_mismatch": N_("Dấu vân tay người ký trong bundle.json không khớp với khóa đã ký."),
    # -- step 10: authorisation ------------------------------------------------------------
    "unit_unknown": N_("Đơn vị ghi trong gói không có trong danh mục đơn vị hành chính, hoặc sai cấp."),
    "period_in_future": N_("Kỳ báo cáo trong gói chưa bắt đầu."),
    # -- step 12: the payload --------------------------------------------------------------
    "aggregates_invalid": N_("Tệp số liệu data/aggregates.json không hợp lệ."),
    "activities_invalid": N_("Tệp hoạt động data/activities.json không hợp lệ."),
    # -- step 11: a parent's bundle — the children it consolidated (chain of custody) --------
    "child_attestation_invalid": N_("Phần xác thực của một đơn vị trực thuộc trong gói bị thiếu, sai định dạng hoặc không khớp với danh sách tổng hợp."),
    "child_key_mismatch": N_("Khóa công khai kèm theo của một đơn vị trực thuộc không khớp với khóa đã ký báo cáo của đơn vị đó."),
    "child_signature_invalid": N_("Chữ ký báo cáo của một đơn vị trực thuộc trong gói không hợp lệ: báo cáo đó đã bị thay đổi."),
    "child_hash_mismatch": N_("Số liệu của một đơn vị trực thuộc trong gói đã bị sửa (mã băm không khớp với bản đã ký)."),
    "child_not_of_sender": N_("Gói tổng hợp báo cáo của một đơn vị không trực thuộc đơn vị gửi."),
    "child_period_mismatch": N_("Gói tổng hợp báo cáo của đơn vị trực thuộc cho một kỳ hoặc loại báo cáo khác."),
    "child_set_mismatch": N_("Danh sách đơn vị trực thuộc đã tổng hợp và chưa báo cáo trong gói không khớp với danh mục đơn vị."),
    "child_sum_mismatch": N_("Số liệu tổng hợp trong gói không bằng tổng số liệu của các đơn vị trực thuộc."),
    # -- step 11: the import ledger (docs/bundle-design.md §9.5) -----------------------------------------
    "not_a_child": N_("Gói của một đơn vị không trực thuộc đơn vị này; không nhận."),
    "bundle_id_reused": N_("Mã gói đã được dùng cho một gói khác có nội dung khác; không nhận."),
    "revision_stale": N_("Đã nhận một lần gửi mới hơn hoặc cùng lần gửi của báo cáo này; không nhận bản cũ."),
    "rejected_by_clerk": N_("Gói này đã bị cán bộ từ chối trước đây."),
    "child_rollback": N_("Gói tổng hợp dùng báo cáo cũ hơn (hoặc bỏ mất báo cáo) của một đơn vị trực thuộc so với gói trước đó của cùng đơn vị gửi; không nhận."),
    # -- reading the file (CLI / GUI) -------------------------------------------------------
    "file_unreadable": N_("Không đọc được tệp."),
}


class BundleRejected(QnappError):
    """A bundle that failed verification; ``reason_code`` is stable snake_case,
    ``str()`` the Vietnamese message, ``detail`` a short technical note (member name …)."""

    def __init__(self, reason_code: str, detail: str = ""):
        if reason_code not in REASONS:
            raise ValueError(f"unknown reason code {reason_code!r}")
        message = _(REASONS[reason_code])
        if detail:
            message = f"{message} ({detail})"
        super().__init__(message)
        self.reason_code = reason_code
        self.detail = detail


def reason_message(reason_code: str) -> str:
    return _(REASONS[reason_code])
