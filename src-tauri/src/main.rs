//! Hublot's desktop shell. It only adapts the core: one Tauri command, `call`, forwards an
//! operation name and its JSON arguments to [`hublot::Hublot::call`], exactly as `hublot serve`
//! forwards `/api/<op>`; `save` does the same for an operation answering a file and puts the
//! file in the Downloads folder, where a browser would. What is specific to a desktop window lives in small modules:
//! opening the data directory in the background ([`core`]) and keeping the webview on the app's
//! own pages ([`links`]).

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod core;
mod links;

use tauri::{Manager, WebviewWindowBuilder};

fn main() {
    let core = core::Core::start();
    tauri::Builder::default()
        // Saves the window's size and position on exit and restores them at the next start.
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .manage(core)
        .invoke_handler(tauri::generate_handler![core::call, core::save])
        .setup(|app| {
            let config = app
                .config()
                .app
                .windows
                .iter()
                .find(|w| w.label == "main")
                .cloned()
                .ok_or("tauri.conf.json has no `main` window")?;
            WebviewWindowBuilder::from_config(app.handle(), &config)?
                .on_navigation(links::on_navigation)
                .on_new_window(links::on_new_window)
                .build()?;
            // Touch the state so that a missing `manage` is caught at start, not on first call.
            let _ = app.state::<core::Core>();
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("Hublot could not start its window");
}
