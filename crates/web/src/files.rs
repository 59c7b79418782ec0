//! Uploaded images on local disk, addressed by key. Only image bytes whose real type is
//! JPEG or PNG are kept, under a random server-chosen name.

use std::path::{Path, PathBuf};

/// Largest licence or certificate photo accepted.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

/// Why an upload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadRefusal {
    #[error("请选择要上传的图片")]
    Empty,
    #[error("图片不能超过5MB，请压缩后重新上传")]
    TooLarge,
    #[error("只能上传JPG或PNG格式的图片")]
    NotAnImage,
}

/// The image type found from the bytes themselves (never from the file name).
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("png")
    } else {
        None
    }
}

/// Stores an image under `folder` and returns its key (`folder/<random>.<ext>`).
pub async fn store_image(
    files_dir: &Path,
    folder: &str,
    bytes: &[u8],
) -> Result<Result<String, UploadRefusal>, std::io::Error> {
    if bytes.is_empty() {
        return Ok(Err(UploadRefusal::Empty));
    }
    if bytes.len() > MAX_IMAGE_BYTES {
        return Ok(Err(UploadRefusal::TooLarge));
    }
    let Some(ext) = sniff_image(bytes) else {
        return Ok(Err(UploadRefusal::NotAnImage));
    };
    let name = format!("{:032x}.{ext}", rand::random::<u128>());
    let dir = files_dir.join(folder);
    tokio::fs::create_dir_all(&dir).await?;
    tokio::fs::write(dir.join(&name), bytes).await?;
    Ok(Ok(format!("{folder}/{name}")))
}

/// The path of a stored key; keys are only ever made by [`store_image`], but a key with
/// path tricks is refused anyway.
pub fn path_of(files_dir: &Path, key: &str) -> Option<PathBuf> {
    let safe = key
        .split('/')
        .all(|part| !part.is_empty() && part != ".." && !part.contains('\\'));
    safe.then(|| files_dir.join(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_types_come_from_the_bytes() {
        assert_eq!(sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("jpg"));
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\nrest"), Some("png"));
        assert_eq!(sniff_image(b"GIF89a"), None);
        assert_eq!(sniff_image(b"<svg"), None);
    }

    #[test]
    fn keys_cannot_climb_out_of_the_folder() {
        let root = Path::new("/srv/files");
        assert_eq!(
            path_of(root, "licences/ab.jpg"),
            Some(root.join("licences/ab.jpg"))
        );
        assert_eq!(path_of(root, "../etc/passwd"), None);
        assert_eq!(path_of(root, "licences//x"), None);
    }
}
