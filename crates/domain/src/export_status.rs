//! 导出文件 — a roster or bundle is made by the job queue: 生成中, then 可下载 or 生成失败.

crate::stored_code! {
    /// 导出状态.
    pub enum ExportStatus {
        /// 生成中
        Pending => ("pending", "生成中"),
        /// 可下载
        Ready => ("ready", "可下载"),
        /// 生成失败
        Failed => ("failed", "生成失败"),
    }
}
