//! Share links (the plan compressed in the URL fragment), clipboard copy and file export.

use leptos::prelude::*;
use thiserror::Error;
use wasm_bindgen::JsCast;

use super::download::{download, download_url, DownloadError};
use super::plan_text::read_plan;
use super::state::AppState;
use crate::io::deflate_raw::{deflate, inflate, DeflateError};
use crate::plan::limits::MAX_PLAN_TEXT_BYTES;
use crate::plan::share::{fragment_for, plan_text, read_fragment, Payload, ShareError};
use crate::plan::Plan;

/// Why the graph could not be exported as a file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ExportError {
    /// No graph is drawn.
    #[error("There is no graph to export yet.")]
    NoGraph,
    /// The graph has no size yet (no `viewBox` of four numbers).
    #[error("The graph has no size yet.")]
    NoSize,
    /// The graph's markup could not be read.
    #[error("The graph could not be read.")]
    Unreadable,
    /// A step of drawing the PNG failed.
    #[error("The PNG could not be made ({step}).")]
    Png {
        /// The step that failed (`image`, `the SVG did not load`, `canvas`, …).
        step: &'static str,
    },
    /// The file could not be offered for download.
    #[error(transparent)]
    Download(#[from] DownloadError),
}

/// Copies `text` to the clipboard (asynchronously; failures are reported on the banner).
fn copy_to_clipboard(state: AppState, text: String, what: &'static str) {
    let clipboard = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &"clipboard".into()).ok())
        .filter(|c| !c.is_undefined());
    let write = clipboard
        .as_ref()
        .and_then(|c| js_sys::Reflect::get(c, &"writeText".into()).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let (Some(clipboard), Some(write)) = (clipboard, write) else {
        return state.info(format!("The clipboard is not available here; the {what} is in the box below."));
    };
    match write.call1(&clipboard, &text.into()).ok().and_then(|p| p.dyn_into::<js_sys::Promise>().ok()) {
        Some(promise) => leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => state.info(format!("The {what} was copied to the clipboard.")),
                Err(_) => state.info(format!("The browser refused the clipboard; the {what} is in the box below.")),
            }
        }),
        None => state.info(format!("The {what} is in the box below.")),
    }
}

/// Puts a share link for the current plan in the box and on the clipboard. The link holds only the
/// plan: never settings or the API key.
pub fn share_link(state: AppState) {
    let Some(plan) = state.plan.get_untracked() else { return };
    let Some(location) = web_sys::window().map(|w| w.location()) else { return };
    let base = format!("{}{}", location.origin().unwrap_or_default(), location.pathname().unwrap_or_default());
    leptos::task::spawn_local(async move {
        let json = serde_json::to_string(&plan).expect("a plan always serialises");
        match fragment_for_text(&json).await {
            Ok(fragment) => {
                let link = format!("{base}#{fragment}");
                state.import_text.set(link.clone());
                copy_to_clipboard(state, link, "share link");
            }
            Err(e) => state.error(format!("The share link could not be made: {e}")),
        }
    });
}

/// The fragment (without `#`) of a share link that carries `text` as the plan's JSON, whatever it
/// holds: `plan=v2.` and the text compressed by the browser (raw DEFLATE) in base64url.
pub async fn fragment_for_text(text: &str) -> Result<String, ShareError> {
    let deflated = deflate(text.as_bytes()).await.map_err(|e| ShareError::Codec(format!("compress the link ({e})")))?;
    Ok(fragment_for(&deflated))
}

/// The plan a share-link fragment carries (`v2`, inflated by the browser up to
/// [`MAX_PLAN_TEXT_BYTES`], or `v1`).
pub async fn plan_from_fragment(state: AppState, fragment: &str) -> Result<Plan, ShareError> {
    let text = match read_fragment(fragment)? {
        Payload::Text(text) => text,
        Payload::Deflated(bytes) => inflate(&bytes, MAX_PLAN_TEXT_BYTES).await.map_err(|e| match e {
            DeflateError::TooLarge(_) => ShareError::InflatesTooLarge,
            DeflateError::Invalid => ShareError::Damaged(e.to_string()),
            DeflateError::Unsupported(_) => ShareError::Codec(format!("open the link ({e})")),
        })?,
    };
    read_plan(state, plan_text(text)?).await.map_err(ShareError::Plan)
}

/// Copies the current plan's JSON to the clipboard (and shows it in the box).
pub fn copy_plan_json(state: AppState) {
    let Some(plan) = state.plan.get_untracked() else { return };
    let json = plan.to_json_pretty();
    state.import_text.set(json.clone());
    copy_to_clipboard(state, json, "plan JSON");
}

/// Downloads the current plan as a JSON file.
pub fn download_plan(state: AppState) {
    let Some(plan) = state.plan.get_untracked() else { return };
    if let Err(e) = download("planwright-plan.json", "application/json", &plan.to_json_pretty()) {
        state.error(e.to_string());
    }
}

/// The URL fragment of the share link the page was opened with, if any; it is removed from the
/// address so a reload does not import it again.
pub fn shared_fragment() -> Option<String> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok()?;
    if !hash.contains("plan=") {
        return None;
    }
    if let Ok(history) = window.history() {
        let path = window.location().pathname().unwrap_or_default();
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
    Some(hash)
}

/// Fixed colours for an exported SVG (the page's theme variables do not travel with the file).
const SVG_EXPORT_STYLE: &str = "<style>.edge{fill:none;stroke:#9aa3b5;stroke-width:1.5}.edge.critical{stroke:#7048e8;stroke-width:3}\
.edge.invalid{stroke:#e03131;stroke-dasharray:6 3}marker path{fill:#9aa3b5}rect{fill:#eef0f4;stroke:#9aa3b5;stroke-width:1.5}\
.status-running rect{fill:#e3ecff;stroke:#3b5bdb}.status-completed rect{fill:#e3f6e8;stroke:#2f9e44}\
.status-failed rect{fill:#ffe3e3;stroke:#e03131}.status-blocked rect,.status-skipped rect{fill:#fff3d6;stroke:#e8a10c}\
.node-name{font:600 13px sans-serif;fill:#1d2330}.node-status{font:11px sans-serif;fill:#5d6678}</style>";

/// The graph as it is drawn now, as a standalone SVG document with fixed colours.
fn graph_svg() -> Result<(String, f64, f64), ExportError> {
    let svg = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("[data-testid='plan-graph']").ok().flatten())
        .ok_or(ExportError::NoGraph)?;
    let view_box = svg.get_attribute("viewBox").unwrap_or_default();
    let size: Vec<f64> = view_box.split_whitespace().filter_map(crate::decimal::parse_decimal).collect();
    let (width, height) = match size.as_slice() {
        [_, _, w, h] => (*w, *h),
        _ => return Err(ExportError::NoSize),
    };
    let markup = svg.outer_html();
    let open_end = markup.find('>').ok_or(ExportError::Unreadable)?;
    let (head, tail) = markup.split_at(open_end + 1);
    // The file is drawn at its natural size, whatever the zoom on screen.
    let mut head = head
        .replacen(
            &format!("width=\"{}\"", svg.get_attribute("width").unwrap_or_default()),
            &format!("width=\"{width}\""),
            1,
        )
        .replacen(
            &format!("height=\"{}\"", svg.get_attribute("height").unwrap_or_default()),
            &format!("height=\"{height}\""),
            1,
        );
    if !head.contains("xmlns=") {
        head = head.replacen("<svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"", 1);
    }
    Ok((format!("{head}{SVG_EXPORT_STYLE}{tail}"), width, height))
}

/// Downloads the graph as it is drawn now, as a standalone SVG file.
pub fn download_svg(state: AppState) {
    let result = graph_svg()
        .and_then(|(svg, _, _)| download("planwright-graph.svg", "image/svg+xml", &svg).map_err(ExportError::from));
    if let Err(e) = result {
        state.error(e.to_string());
    }
}

/// Pixels per layout unit in an exported PNG (sharp on high-density screens).
const PNG_SCALE: f64 = 2.0;

/// The graph as a PNG image on a white background, as a `data:` URL, with its pixel size.
pub async fn graph_png() -> Result<(String, u32, u32), ExportError> {
    let (svg, width, height) = graph_svg()?;
    let fail = |step| ExportError::Png { step };
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| fail("no document"))?;
    let image: web_sys::HtmlImageElement = document.create_element("img").map_err(|_| fail("image"))?.unchecked_into();
    let url = format!("data:image/svg+xml;charset=utf-8,{}", String::from(js_sys::encode_uri_component(&svg)));
    image.set_src(&url);
    wasm_bindgen_futures::JsFuture::from(image.decode()).await.map_err(|_| fail("the SVG did not load"))?;
    let (w, h) = ((width * PNG_SCALE).ceil() as u32, (height * PNG_SCALE).ceil() as u32);
    let canvas: web_sys::HtmlCanvasElement =
        document.create_element("canvas").map_err(|_| fail("canvas"))?.unchecked_into();
    canvas.set_width(w);
    canvas.set_height(h);
    let context: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").ok().flatten().ok_or_else(|| fail("no 2D context"))?.unchecked_into();
    context.set_fill_style_str("#ffffff");
    context.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
    context
        .draw_image_with_html_image_element_and_dw_and_dh(&image, 0.0, 0.0, f64::from(w), f64::from(h))
        .map_err(|_| fail("drawing"))?;
    let data = canvas.to_data_url_with_type("image/png").map_err(|_| fail("encoding"))?;
    Ok((data, w, h))
}

/// Downloads the graph as a PNG image.
pub fn download_png(state: AppState) {
    leptos::task::spawn_local(async move {
        let saved = match graph_png().await {
            Ok((data, _, _)) => download_url("planwright-graph.png", &data).map_err(ExportError::from),
            Err(e) => Err(e),
        };
        if let Err(e) = saved {
            state.error(e.to_string());
        }
    });
}
