//! The built binary in a real pseudo-terminal: a full run from `--answers` to a written plan,
//! going back and changing an answer, Ctrl-C restoring the terminal with status 130, a resize
//! down to a tiny size and back, SIGTERM, no terminal at all, and the time to the first frame.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_account-advisor");
const WAIT: Duration = Duration::from_secs(10);

/// The wizard running in a pseudo-terminal, with the screen as a terminal would show it.
struct Session {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    output: Receiver<Vec<u8>>,
    parser: vt100::Parser,
    /// Every byte the program wrote, to check the restore sequences.
    raw: Vec<u8>,
    started: Instant,
    pub dir: tempfile::TempDir,
}

fn size(cols: u16, rows: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

impl Session {
    fn start(args: &[&str], cols: u16, rows: u16) -> Session {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        Session::start_in(dir, args, cols, rows)
    }

    fn start_in(dir: tempfile::TempDir, args: &[&str], cols: u16, rows: u16) -> Session {
        Session::start_with(dir, args, cols, rows, &[])
    }

    fn start_with(
        dir: tempfile::TempDir,
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
    ) -> Session {
        let pair = native_pty_system()
            .openpty(size(cols, rows))
            .unwrap_or_else(|e| panic!("{e}"));
        // ACCOUNT_ADVISOR_BIN measures another build (e.g. target/release) with the same harness.
        let bin = std::env::var("ACCOUNT_ADVISOR_BIN").unwrap_or_else(|_| BIN.to_string());
        let mut cmd = CommandBuilder::new(bin);
        cmd.args(args);
        cmd.cwd(dir.path());
        cmd.env("TERM", "xterm-256color");
        cmd.env("ACCOUNT_ADVISOR_STATE_DIR", dir.path().join("state"));
        cmd.env_remove("NO_COLOR");
        for (key, value) in env {
            cmd.env(key, value);
        }
        let started = Instant::now();
        let child = pair
            .slave
            .spawn_command(cmd)
            .unwrap_or_else(|e| panic!("{e}"));
        drop(pair.slave);
        let mut reader = pair
            .master
            .try_clone_reader()
            .unwrap_or_else(|e| panic!("{e}"));
        let writer = pair.master.take_writer().unwrap_or_else(|e| panic!("{e}"));
        let (tx, output) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Session {
            master: pair.master,
            writer,
            child,
            output,
            parser: vt100::Parser::new(rows, cols, 0),
            raw: Vec::new(),
            started,
            dir,
        }
    }

    fn pump(&mut self, wait: Duration) -> bool {
        match self.output.recv_timeout(wait) {
            Ok(bytes) => {
                self.parser.process(&bytes);
                self.raw.extend_from_slice(&bytes);
                true
            }
            Err(_) => false,
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Waits until the screen shows `text`; fails with the screen if it never does.
    fn wait_for(&mut self, text: &str) -> Duration {
        let deadline = Instant::now() + WAIT;
        while !self.screen().contains(text) {
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {text:?}; the screen shows:\n{}",
                    self.screen()
                );
            }
            self.pump(Duration::from_millis(20));
        }
        self.started.elapsed()
    }

    fn send(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        self.writer.flush().unwrap_or_else(|e| panic!("{e}"));
    }

    /// Sends keys and waits for `text` to show.
    fn press(&mut self, keys: &str, text: &str) {
        self.send(keys);
        self.wait_for(text);
    }

    fn resize(&mut self, cols: u16, rows: u16) {
        self.master
            .resize(size(cols, rows))
            .unwrap_or_else(|e| panic!("{e}"));
        self.parser.screen_mut().set_size(rows, cols);
    }

    /// Waits for the program to exit; returns its status, draining what it wrote.
    fn exit_code(&mut self) -> u32 {
        let deadline = Instant::now() + WAIT;
        loop {
            self.pump(Duration::from_millis(10));
            if let Ok(Some(status)) = self.child.try_wait() {
                while self.pump(Duration::from_millis(50)) {}
                return status.exit_code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "the wizard did not exit; the screen shows:\n{}",
                    self.screen()
                );
            }
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Whether the bytes after the last entry into the alternate screen leave it and show the cursor.
    fn restored(&self) -> bool {
        let text = String::from_utf8_lossy(&self.raw);
        let tail = text.rsplit("\x1b[?1049h").next().unwrap_or("");
        tail.contains("\x1b[?1049l") && tail.contains("\x1b[?25h")
    }
}

const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const DOWN: &str = "\x1b[B";
const CTRL_C: &str = "\x03";

/// What `account-advisor plan ANSWERS` prints.
fn plan_command(dir: &Path, answers: &Path, format: &str) -> Vec<u8> {
    let out = std::process::Command::new(BIN)
        .args(["plan", &answers.display().to_string(), "--format", format])
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
}

const HYBRID: &str = "organization: Nordlys Digital\nserves: external_customers\nteam_size: 6\ncustomer_billing: mixed\n\
customers_we_bill: [Salon Mira, Bakery Holm]\ncustomers_own_billing: [Hotel Fjordview]\nresell: yes\nplan_tier: professional\n";

#[test]
fn full_run_from_answers_writes_the_same_plan_as_the_plan_command() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(&dir.path().join("in.yaml"), HYBRID);
    let mut s = Session::start_in(
        dir,
        &["--answers", "in.yaml", "--output", "plan.yaml"],
        80,
        24,
    );
    s.wait_for("Press Enter to start");
    s.press(ENTER, "Question 1 of about 12");
    for _ in 0..40 {
        if s.screen().contains("Recommended for Nordlys Digital") {
            break;
        }
        s.send(ENTER);
        s.pump(Duration::from_millis(100));
    }
    s.wait_for("Recommended for Nordlys Digital: Hybrid model");
    s.wait_for("Enter write plan & exit");
    s.send(ENTER);
    assert_eq!(s.exit_code(), 0);
    assert!(s.restored());
    let written = std::fs::read(s.path("plan.yaml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        written,
        plan_command(s.dir.path(), &s.path("plan.answers.yaml"), "yaml")
    );
    assert!(
        !s.path("state/autosave.yaml").exists(),
        "the autosave goes after a successful export"
    );
}

#[test]
fn going_back_and_changing_an_answer_changes_the_plan() {
    let mut s = Session::start(&[], 100, 30);
    s.wait_for("Press Enter to start");
    s.press(ENTER, "What is your company called?");
    s.press("Acme", "Acme");
    s.press(ENTER, "Who will your voice agents serve?");
    s.press(DOWN, "Parent/subaccount model");
    s.press(ENTER, "How many people");
    s.press(ESC, "Who will your voice agents serve?");
    s.press("\x1b[Z", "What is your company called?");
    s.press(ENTER, "Who will your voice agents serve?");
    s.press("k", "One standard account");
    s.press(ENTER, "How many people");
    s.press("3", "One account with multiple team members");
    s.press(ENTER, "brands, regions or departments");
    s.press(ENTER, "Which itellicoAI plan");
    s.press(
        ENTER,
        "Recommended for Acme: One account with multiple team members",
    );
    s.press(ENTER, "Save the plan");
    s.press(DOWN, "account-plan.json");
    s.send(ENTER);
    assert_eq!(s.exit_code(), 0);
    assert!(s.restored());
    let written = std::fs::read(s.path("account-plan.json")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        written,
        plan_command(s.dir.path(), &s.path("account-plan.answers.yaml"), "json")
    );
    let answers = std::fs::read_to_string(s.path("account-plan.answers.yaml")).unwrap_or_default();
    assert!(
        answers.contains("serves: own_business\nteam_size: 3\n"),
        "{answers}"
    );
    assert!(
        !answers.contains("customer_billing"),
        "the hidden answer is not saved: {answers}"
    );
}

#[test]
fn ctrl_c_restores_the_terminal_and_exits_130() {
    let mut s = Session::start(&[], 80, 24);
    s.wait_for("Press Enter to start");
    s.press(ENTER, "What is your company called?");
    s.send(CTRL_C);
    assert_eq!(s.exit_code(), 130);
    assert!(s.restored(), "{:?}", String::from_utf8_lossy(&s.raw));
}

#[test]
fn autosave_is_offered_on_the_next_start() {
    let mut s = Session::start(&[], 80, 24);
    s.wait_for("Press Enter to start");
    s.press(ENTER, "What is your company called?");
    s.press("Acme Corp", "Acme Corp");
    s.press(ENTER, "Who will your voice agents serve?");
    s.send(CTRL_C);
    assert_eq!(s.exit_code(), 130);
    let dir = s.dir;
    let mut s = Session::start_in(dir, &[], 80, 24);
    s.wait_for("saved 1 answer but did not finish");
    s.press(ENTER, "Who will your voice agents serve?");
    s.press(ESC, "Acme Corp");
    s.send(CTRL_C);
    assert_eq!(s.exit_code(), 130);
}

#[test]
fn resize_to_a_tiny_size_and_back() {
    let mut s = Session::start(&[], 80, 24);
    s.wait_for("Press Enter to start");
    s.press(ENTER, "What is your company called?");
    s.resize(20, 5);
    s.wait_for("Terminal too small");
    s.resize(1, 1);
    s.pump(Duration::from_millis(100));
    s.resize(100, 30);
    s.wait_for("What is your company called?");
    s.press("Acme", "Acme");
    s.send(CTRL_C);
    assert_eq!(s.exit_code(), 130);
    assert!(s.restored());
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for (signal, code) in [("-TERM", 128 + 15), ("-HUP", 128 + 1)] {
        let mut s = Session::start(&[], 80, 24);
        s.wait_for("Press Enter to start");
        let pid = s.child.process_id().unwrap_or(0);
        let status = std::process::Command::new("kill")
            .args([signal, &pid.to_string()])
            .status();
        assert!(status.is_ok_and(|s| s.success()));
        assert_eq!(s.exit_code(), code, "{signal}");
        assert!(s.restored(), "{signal}");
    }
}

#[test]
fn first_frame_time() {
    let mut times = Vec::new();
    for _ in 0..5 {
        let mut s = Session::start(&[], 80, 24);
        times.push(s.wait_for("Press Enter to start"));
        s.send(CTRL_C);
        assert_eq!(s.exit_code(), 130);
    }
    times.sort();
    eprintln!(
        "time to first frame (spawn to welcome screen drawn), 5 runs: min {:?}, median {:?}, max {:?}",
        times[0], times[2], times[4]
    );
    let mut s = Session::start(&[], 80, 24);
    s.wait_for("Press Enter to start");
    s.send(CTRL_C);
    assert_eq!(s.exit_code(), 130);
}

#[test]
fn without_a_terminal_and_without_input_it_points_to_recommend_and_plan() {
    let out = std::process::Command::new(BIN)
        .stdin(std::process::Stdio::null())
        .env(
            "ACCOUNT_ADVISOR_STATE_DIR",
            std::env::temp_dir().join("account-advisor-test-none"),
        )
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("account-advisor recommend ANSWERS")
            && stderr.contains("account-advisor plan ANSWERS"),
        "{stderr}"
    );
}

/// Whether the bytes set a foreground or background colour (reset sequences aside).
fn sets_colour(raw: &[u8]) -> bool {
    let text = String::from_utf8_lossy(raw);
    text.match_indices("\x1b[").any(|(i, _)| {
        let rest = &text[i + 2..];
        let code: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        matches!(
            code.as_str(),
            "30" | "31"
                | "32"
                | "33"
                | "34"
                | "35"
                | "36"
                | "37"
                | "38"
                | "90"
                | "91"
                | "92"
                | "93"
                | "94"
                | "95"
                | "96"
                | "97"
        ) || matches!(
            code.as_str(),
            "40" | "41" | "42" | "43" | "44" | "45" | "46" | "47" | "48"
        )
    })
}

#[test]
fn no_color_turns_colours_off() {
    let mut s = Session::start(&[], 80, 24);
    s.wait_for("Press Enter to start");
    s.press(ENTER, "What is your company called?");
    assert!(sets_colour(&s.raw), "colours are on by default");
    s.send(CTRL_C);
    assert_eq!(s.exit_code(), 130);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = Session::start_with(dir, &[], 80, 24, &[("NO_COLOR", "1")]);
    s.wait_for("Press Enter to start");
    s.press(ENTER, "What is your company called?");
    assert!(
        !sets_colour(&s.raw),
        "{:?}",
        String::from_utf8_lossy(&s.raw)
    );
    s.send(CTRL_C);
    assert_eq!(s.exit_code(), 130);
}

#[test]
fn term_dumb_asks_line_by_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = Session::start_with(dir, &["--output", "plan.md"], 80, 24, &[("TERM", "dumb")]);
    s.wait_for("Question 1 of about 5: What is your company called?");
    s.press("Acme\r", "Question 2 of about 5");
    s.press("1\r", "Question 3 of about 5");
    s.send("\r\r\r");
    s.wait_for("Wrote the plan to plan.md");
    assert_eq!(s.exit_code(), 0);
    assert!(
        !String::from_utf8_lossy(&s.raw).contains("\x1b[?1049h"),
        "no alternate screen"
    );
    let written = std::fs::read(s.path("plan.md")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        written,
        plan_command(s.dir.path(), &s.path("plan.answers.yaml"), "markdown")
    );
}

#[test]
fn ctrl_c_in_plain_mode_says_where_the_answers_are_and_exits_130() {
    let mut s = Session::start(&["--plain"], 80, 24);
    s.wait_for("Question 1 of about 5: What is your company called?");
    s.press("Acme\r", "Question 2 of about 5");
    s.send(CTRL_C);
    s.wait_for("saved in");
    assert_eq!(s.exit_code(), 130);
    let raw = String::from_utf8_lossy(&s.raw).into_owned();
    assert!(raw.contains("autosave.yaml"), "{raw}");
}
