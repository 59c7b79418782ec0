//! 证书 — an issued certificate is 有效 until it is voided (作废) or revoked (撤销).

crate::stored_code! {
    /// 证书状态.
    pub enum CertificateStatus {
        /// 有效
        Valid => ("valid", "有效"),
        /// 已作废 — replaced by another certificate.
        Void => ("void", "已作废"),
        /// 已作废（遗失公示）— declared lost by its holder; a 遗失补办 replaces it.
        LostVoid => ("lost_void", "已作废（遗失公示）"),
        /// 已撤销 — withdrawn after an upheld objection or fraud.
        Revoked => ("revoked", "已撤销"),
    }
}

crate::stored_code! {
    /// 证书来源 — where a certificate on the platform came from.
    pub enum CertificateSource {
        /// 新发 — issued here.
        New => ("new", "新发"),
        /// 审验归集 — obtained before the platform, verified and brought online.
        Verified => ("verification", "审验归集"),
    }
}

impl CertificateStatus {
    /// Whether the certificate still proves the title.
    pub fn is_valid(self) -> bool {
        self == Self::Valid
    }
}
