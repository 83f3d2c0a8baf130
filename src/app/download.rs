//! Saving text or an image as a file the user downloads (Blob or data URL + a temporary link).

use thiserror::Error;
use wasm_bindgen::JsCast;

/// Why the browser was not given a file to save; each message says which step failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DownloadError {
    /// The text could not be made into a Blob.
    #[error("could not save the file (blob)")]
    Blob,
    /// The Blob got no object URL.
    #[error("could not save the file (object URL)")]
    ObjectUrl,
    /// The page has no document to hold the download link.
    #[error("could not save the file (no document)")]
    NoDocument,
    /// The download link could not be created.
    #[error("could not save the file (link)")]
    Link,
}

/// Offers `text` as a download named `filename` with MIME type `mime`.
pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), DownloadError> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| DownloadError::Blob)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| DownloadError::ObjectUrl)?;
    let saved = download_url(filename, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
    saved
}

/// Offers the resource at `url` (an object or `data:` URL) as a download named `filename`.
pub fn download_url(filename: &str, url: &str) -> Result<(), DownloadError> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or(DownloadError::NoDocument)?;
    let link: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|_| DownloadError::Link)?.unchecked_into();
    link.set_href(url);
    link.set_download(filename);
    link.click();
    Ok(())
}
