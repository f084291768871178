//! The HTML report in a real browser (headless Chromium): it loads without console messages
//! (no CSP violation, no script error, no blocked fetch), its script runs, the diagram is drawn
//! with every component's name, and a screenshot is not empty.
//!
//! Chromium comes from Debian's `chromium` package, which `.ci/run` installs and then sets
//! `PALISADE_REQUIRE_BROWSER=1`, so in CI a missing browser fails the test instead of skipping.

mod common;
use common::{example_models, palisade, repo_root};
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        });
    if found.is_none() {
        assert!(
            std::env::var_os("PALISADE_REQUIRE_BROWSER").is_none(),
            "PALISADE_REQUIRE_BROWSER is set but no chromium is installed"
        );
        eprintln!("skipping: no chromium on PATH (CI installs it)");
    }
    found
}

/// Run headless Chromium on a file; return (stdout, stderr).
fn browse(browser: &Path, page: &Path, extra: &[&str], profile: &Path) -> (String, String) {
    let url = format!("file://{}", page.display());
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(&url)
        .output()
        .expect("chromium runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

#[test]
fn html_reports_load_cleanly_in_a_browser() {
    let Some(browser) = chromium() else { return };
    let root = repo_root();
    let dir = tempfile::tempdir().unwrap();
    for model in example_models() {
        let stem = model.file_stem().unwrap().to_str().unwrap().to_string();
        let page = dir.path().join(format!("{stem}.html"));
        let r = palisade(
            &root,
            &[
                "report",
                model.to_str().unwrap(),
                "--format",
                "html",
                "-o",
                page.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let profile = dir.path().join(format!("profile-{stem}"));
        let (dom, log) = browse(&browser, &page, &["--dump-dom"], &profile);
        let console = console_lines(&log);
        assert!(console.is_empty(), "{stem}: console messages: {console:#?}");
        // The script ran: it makes the sortable headers focusable.
        if dom.contains("id=\"findings-table\"") {
            assert!(
                dom.contains("tabindex=\"0\""),
                "{stem}: the report script did not run"
            );
        }
        // Every component's name is in the page.
        let json = palisade(
            &root,
            &["report", model.to_str().unwrap(), "--format", "json"],
        );
        let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        for c in doc["model"]["components"].as_array().unwrap() {
            let name = c["name"].as_str().unwrap();
            let escaped = palisade_report::html::esc(name);
            assert!(
                dom.contains(&escaped),
                "{stem}: {name} missing from the page"
            );
        }
        // A screenshot is drawn and is not blank.
        let shot = dir.path().join(format!("{stem}.png"));
        let profile2 = dir.path().join(format!("profile2-{stem}"));
        browse(
            &browser,
            &page,
            &[&format!("--screenshot={}", shot.display())],
            &profile2,
        );
        let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
        assert!(size > 20_000, "{stem}: screenshot is {size} bytes");
    }
}
