//! The root component: lays out the panels and starts the restore of the last workflow.

use leptos::prelude::*;

use super::egress_prompt::EgressPrompt;
use super::goal_form::GoalForm;
use super::history_sidebar::HistorySidebar;
use super::import_panel::ImportPanel;
use super::notice_banner::NoticeBanner;
use super::plan_graph::PlanGraph;
use super::plan_preview::PlanPreviewPanel;
use super::reactive::effect;
use super::replan_approval::ReplanApproval;
use super::replan_history::ReplanHistory;
use super::report_view::ReportView;
use super::run_bar::RunBar;
use super::run_comparison::RunComparison;
use super::settings_panel::SettingsPanel;
use super::task_inspector::TaskInspector;
use super::theme_switch::ThemeSwitch;
use super::time_scrubber::TimeScrubber;
use super::timeline_chart::TimelineChart;
use super::validation_list::ValidationList;
use crate::app::actions::{apply_remote, prepare_workers, restore_on_load, settings_changed, stop_driver};
use crate::app::settings_storage::load_settings;
use crate::app::state::{AppEnv, AppState};
use crate::driver::broadcast::listen;

/// The whole Planwright page.
#[component]
pub fn App(
    /// Where data lives and how tests observe the app.
    #[prop(optional)]
    env: Option<AppEnv>,
) -> impl IntoView {
    let state = AppState::new(env.unwrap_or_default());
    provide_context(state);
    load_settings(&state);
    restore_on_load(state);
    // A goal or a plan being typed or pasted: a plan is on its way. A visit that plans nothing never
    // loads the compute and provider workers.
    effect(move |_| {
        if state.goal.with(|g| !g.is_empty()) || state.import_text.with(|t| !t.is_empty()) {
            prepare_workers(&state);
        }
    });
    // New settings (the key entered after a reload, say) reach a running driver at once.
    effect(move |_| {
        state.settings.track();
        settings_changed(state);
    });
    // Changes another tab makes to a workflow shown here read-only.
    let listener = StoredValue::new_local(listen(move |message| apply_remote(state, message)));
    on_cleanup(move || {
        stop_driver(&state);
        listener.set_value(None);
    });

    view! {
        <div class="app">
            <header class="app-header">
                <h1>"Planwright"</h1>
                <p class="tagline">"Make an LLM agent follow an explicit, executable, resumable plan."</p>
                <ThemeSwitch/>
            </header>
            <NoticeBanner/>
            <main class="app-main">
                <section class="left-column">
                    <GoalForm/>
                    <SettingsPanel/>
                    <ImportPanel/>
                    <HistorySidebar/>
                </section>
                <section class="center-column">
                    <RunBar/>
                    <TimeScrubber/>
                    <ReportView/>
                    <ValidationList/>
                    <PlanGraph/>
                    <RunComparison/>
                    <TimelineChart/>
                </section>
                <section class="right-column">
                    <PlanPreviewPanel/>
                    <EgressPrompt/>
                    <ReplanApproval/>
                    <TaskInspector/>
                    <ReplanHistory/>
                </section>
            </main>
        </div>
    }
}
