//! Entry point: mounts the app on the page (Wasm); natively there is nothing to run.

#[cfg(target_arch = "wasm32")]
fn main() {
    // Panic messages in the console (release bundles keep them: stable flags, `panic = "abort"`).
    console_error_panic_hook::set_once();
    use leptos::prelude::*;
    leptos::mount::mount_to_body(|| view! { <planwright::ui::app::App/> });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Planwright is a browser app: run `scripts/serve` and open http://127.0.0.1:8080");
}
