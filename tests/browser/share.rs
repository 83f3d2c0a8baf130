//! Share links round-trip a plan (and never carry the key); the timeline draws the run.

use crate::call_log::CallLog;
use planwright::llm::settings::ProviderSettings;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::dom::*;

#[wasm_bindgen_test]
async fn a_share_link_opens_the_same_plan_in_a_fresh_app_and_holds_no_key() {
    let settings = ProviderSettings { api_key: "sk-share-secret".into(), ..demo_settings(10, 0.0) };
    let first = mount_app(&unique_db("share-a"), CallLog::default(), settings);
    plan_goal(&first.root, "Review the pull request that adds OAuth login").await;
    let planned = node_statuses(&first.root);
    click(&first.root, "share-link-button");
    let link_box = find(&first.root, "[data-testid='import-input']").unwrap();
    wait_until("the link", 2_000.0, || {
        js_sys::Reflect::get(&link_box, &"value".into()).unwrap().as_string().unwrap_or_default().contains("#plan=v2.")
    })
    .await;
    let link = js_sys::Reflect::get(&link_box, &"value".into()).unwrap().as_string().unwrap();
    assert!(!link.contains("sk-share-secret"));
    assert!(link.len() < 2_000, "the plan is compressed: {} characters", link.len());
    drop(first);

    let fragment = link.split_once('#').unwrap().1.to_string();
    web_sys::window().unwrap().location().set_hash(&fragment).unwrap();
    let second = mount_app(&unique_db("share-b"), CallLog::default(), demo_settings(10, 0.0));
    wait_until("the shared plan", 5_000.0, || node_statuses(&second.root) == planned).await;
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    assert!(!hash.contains("plan="), "the fragment is cleared so a reload does not import again: {hash}");

    // A damaged link is refused with a message.
    drop(second);
    web_sys::window().unwrap().location().set_hash("plan=v2.@@@").unwrap();
    let third = mount_app(&unique_db("share-c"), CallLog::default(), demo_settings(10, 0.0));
    wait_until("the refusal", 5_000.0, || text_of(&third.root, "notice").contains("share link could not be opened"))
        .await;
}

/// A three-task plan (A → B → C) in a link of the `v1` format, as the encoder the app carried until
/// links used the browser's `deflate-raw` made it.
const THREE_TASKS_V1: &str =
    "plan=v1.kAEAPYkOASZHh1RT5dStfLEgRtsnPS30_XiOEYp49kNOg19iB9Kh05Z1iDJNWhN2BOhiaGcTxCoU_1NV3cLwWc7tEcrq258oLZtq4yos";

#[wasm_bindgen_test]
async fn a_link_made_before_v2_still_opens() {
    web_sys::window().unwrap().location().set_hash(THREE_TASKS_V1).unwrap();
    let app = mount_app(&unique_db("share-v1"), CallLog::default(), demo_settings(10, 0.0));
    wait_until("the v1 plan", 5_000.0, || find(&app.root, "[data-testid='plan-preview']").is_some()).await;
    wait_until("its three tasks", 2_000.0, || node_statuses(&app.root).len() == 3).await;
    assert!(
        text_of(&app.root, "preview-summary").starts_with("3 tasks, 2 dependencies"),
        "{}",
        text_of(&app.root, "preview-summary")
    );
}

#[wasm_bindgen_test]
async fn a_damaged_v2_link_is_refused_with_a_message() {
    // Valid base64url, but not raw DEFLATE: the browser's DecompressionStream refuses it.
    web_sys::window().unwrap().location().set_hash("plan=v2.AAAAAAAA").unwrap();
    let app = mount_app(&unique_db("share-v2-bad"), CallLog::default(), demo_settings(10, 0.0));
    wait_until("the refusal", 5_000.0, || text_of(&app.root, "notice").contains("share link could not be opened"))
        .await;
    assert!(text_of(&app.root, "notice").contains("the link is damaged"), "{}", text_of(&app.root, "notice"));
}

#[wasm_bindgen_test]
async fn an_imported_plan_is_a_preview_until_kept_and_its_first_real_run_asks() {
    let db = unique_db("preview");
    let endpoint = ProviderSettings {
        kind: planwright::llm::settings::ProviderKind::OpenAiCompatible,
        base_url: "http://127.0.0.1:9/v1".into(),
        model: "m".into(),
        ..ProviderSettings::default()
    };
    let app = mount_app(&db, CallLog::default(), endpoint);
    wait_until("the app to load", 5_000.0, || {
        find(&app.root, "[data-testid='plan-button']").is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    let json = r#"{"tasks":[{"id":"A","name":"Look up","type":"research","depends_on":[]},{"id":"B","name":"Write","type":"writing","depends_on":["A"]}]}"#;
    type_into(&app.root, "import-input", json);
    click(&app.root, "import-button");
    wait_until("the preview", 5_000.0, || find(&app.root, "[data-testid='plan-preview']").is_some()).await;
    wait_until("the preview drawn", 5_000.0, || node_statuses(&app.root).len() == 2).await;
    assert!(text_of(&app.root, "preview-summary").starts_with("2 tasks, 1 dependencies"));
    wait_until("the tools listed", 5_000.0, || text_of(&app.root, "preview-tools").contains("A: http_get")).await;
    assert!(find(&app.root, "[data-testid='run-button']").unwrap().has_attribute("disabled"), "no run before keeping");
    let store = planwright::store::indexed_db::Store::open(&db).await.unwrap();
    assert!(store.workflows().await.unwrap().0.is_empty(), "nothing is saved before keeping");

    click(&app.root, "preview-keep");
    wait_until("the kept plan saved", 5_000.0, || find(&app.root, "[data-testid='plan-preview']").is_none()).await;
    gloo_timers::future::TimeoutFuture::new(200).await;
    assert_eq!(store.workflows().await.unwrap().0.len(), 1, "kept: saved once");
    click(&app.root, "run-button");
    wait_until("the confirmation", 2_000.0, || find(&app.root, "[data-testid='confirm-imported-run']").is_some()).await;
    assert_eq!(text_of(&app.root, "run-status"), "idle", "nothing ran before the confirmation");
    click(&app.root, "cancel-run");
    wait_until("the confirmation to close", 2_000.0, || {
        find(&app.root, "[data-testid='confirm-imported-run']").is_none()
    })
    .await;
    assert_eq!(text_of(&app.root, "run-status"), "idle");
}

#[wasm_bindgen_test]
async fn the_timeline_shows_one_bar_per_started_task_within_the_concurrency_limit() {
    let app = mount_app(&unique_db("timeline"), CallLog::default(), demo_settings(40, 0.0));
    plan_goal(&app.root, "Research the history of tea").await;
    let total = node_statuses(&app.root).len();
    click(&app.root, "run-button");
    wait_until("the run to finish", 15_000.0, || text_of(&app.root, "run-status") == "finished").await;
    wait_until("every bar", 2_000.0, || find_all(&app.root, "[data-testid='timeline-bar']").len() == total).await;
    let heading = app.root.query_selector(".timeline h2").unwrap().unwrap().text_content().unwrap();
    let lanes: usize = heading.split(" · ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!((1..=3).contains(&lanes), "{heading}");
}
