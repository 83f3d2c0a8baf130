//! Saving text or an image as a file the user downloads (Blob or data URL + a temporary link).

use wasm_bindgen::JsCast;

/// Offers `text` as a download named `filename` with MIME type `mime`.
pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), String> {
    let fail = |what: &str| format!("could not save the file ({what})");
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| fail("blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("object URL"))?;
    let saved = download_url(filename, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
    saved
}

/// Offers the resource at `url` (an object or `data:` URL) as a download named `filename`.
pub fn download_url(filename: &str, url: &str) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("could not save the file (no document)")?;
    let link: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|_| "could not save the file (link)")?.unchecked_into();
    link.set_href(url);
    link.set_download(filename);
    link.click();
    Ok(())
}
