//! `baton backup` and `baton restore`: a consistent copy taken while the server runs and
//! writes, a restore refused while it runs, and a restore that brings back exactly the copy
//! and keeps the database it replaced.

use crate::support::{baton, text};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn add_user(data: &Path, email: &str) -> Output {
    baton(
        data,
        &[
            "user",
            "add",
            "--email",
            email,
            "--name",
            email,
            "--role",
            "rep",
            "--password",
            "correct horse battery",
        ],
    )
}

/// `baton serve` on a free port, returned once it answers.
fn serve(data: &Path) -> Child {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_baton"))
        .arg("--data-dir")
        .arg(data)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start baton serve");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "baton serve did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

#[test]
fn a_backup_taken_while_serving_restores_exactly_and_keeps_the_replaced_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(add_user(&data, "before@example.com").status.success());
    let mut server = serve(&data);

    let copy = dir.path().join("copy.db");
    let out = baton(&data, &["backup", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    // Never over an existing file.
    let again = baton(&data, &["backup", copy.to_str().unwrap()]);
    assert!(
        !again.status.success() && text(&again).contains("exists"),
        "{}",
        text(&again)
    );
    // Written after the backup: not in it.
    assert!(add_user(&data, "after@example.com").status.success());
    // Not while the server runs.
    let refused = baton(&data, &["restore", copy.to_str().unwrap()]);
    assert!(!refused.status.success(), "{}", text(&refused));
    assert!(
        text(&refused).contains("another baton process"),
        "{}",
        text(&refused)
    );

    server.kill().unwrap();
    server.wait().unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "not a database at all, just text").unwrap();
    let out = baton(&data, &["restore", junk.to_str().unwrap()]);
    assert!(
        text(&out).contains("is not a Baton backup"),
        "{}",
        text(&out)
    );

    let out = baton(&data, &["restore", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("is kept as"), "{}", text(&out));
    let token = |email| baton(&data, &["token", "create", "--email", email]);
    assert!(token("before@example.com").status.success());
    let missing = token("after@example.com");
    assert!(
        !missing.status.success(),
        "restored the state of the backup: {}",
        text(&missing)
    );
    let kept: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("before-restore"))
        .collect();
    assert_eq!(kept.len(), 1, "the replaced database is kept");
}
