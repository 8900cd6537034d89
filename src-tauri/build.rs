fn main() {
    // Declaring the app's commands makes them go through the capability check like plugin
    // commands: the window may use `call` and `save` and nothing else (capabilities/main.json).
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(&["call", "save"])),
    )
    .expect("tauri-build: invalid tauri.conf.json or capabilities");
}
