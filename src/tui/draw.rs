//! Drawing the wizard state into a frame: pure, decides nothing, and never lets a control
//! character through to the terminal.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::model::decision::{Report, Severity};
use crate::model::plan::Plan;
use crate::model::question::{Question, QuestionKind};
use crate::rules::RuleSet;
use crate::wizard::{self, FORMATS, Screen, State};

/// Below this size only a "terminal too small" message is drawn.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// Colours and emphasis; without colour when NO_COLOR is set (emphasis stays).
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Reads NO_COLOR (any non-empty value turns colour off).
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::default().fg(color)
        } else {
            Style::default()
        }
    }

    fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    fn strong(self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    fn dim(self) -> Style {
        if self.color {
            Style::default().fg(Color::Gray)
        } else {
            Style::default()
        }
    }

    fn selected(self) -> Style {
        if self.color {
            Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            self.strong()
        }
    }

    fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    fn good(self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }

    fn severity(self, severity: Severity) -> Style {
        match severity {
            Severity::Error => self.error(),
            Severity::Warning => self.fg(Color::Yellow),
            Severity::Info => self.fg(Color::Blue),
        }
    }
}

/// Replaces control characters (escape sequences, tabs, newlines) so text cannot drive the
/// terminal or break the layout.
pub fn safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Draws the whole screen; returns how far the result screen can scroll.
pub fn draw(frame: &mut Frame, state: &State, rules: &RuleSet, theme: Theme) -> u16 {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return 0;
    }
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(frame, header, state, rules, theme);
    draw_footer(frame, footer, state, rules, theme);
    let screen = if state.screen == Screen::Help {
        state.behind
    } else {
        state.screen
    };
    let mut max_scroll = 0;
    match screen {
        Screen::Welcome | Screen::Help => welcome(frame, body, state, theme),
        Screen::Resume => resume(frame, body, state, theme),
        Screen::Question => question(frame, body, state, rules, theme),
        Screen::Review => review(frame, body, state, rules, theme),
        Screen::Result => max_scroll = result(frame, body, state, rules, theme),
        Screen::Export => export(frame, body, state, theme),
        Screen::ConfirmOverwrite => {
            if state.behind == Screen::Export {
                export(frame, body, state, theme);
            } else {
                max_scroll = result(frame, body, state, rules, theme);
            }
            confirm_overwrite(frame, body, state, theme);
        }
    }
    if state.screen == Screen::Help {
        help(frame, body, theme);
    }
    max_scroll
}

fn too_small(frame: &mut Frame, area: Rect) {
    let text = format!(
        "Terminal too small: need {MIN_WIDTH}x{MIN_HEIGHT}, have {}x{}. Enlarge the window, or press Ctrl-C to quit.",
        area.width, area.height
    );
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

fn draw_header(frame: &mut Frame, area: Rect, state: &State, rules: &RuleSet, theme: Theme) {
    let title = match state.screen {
        Screen::Welcome => "Welcome",
        Screen::Resume => "Resume",
        Screen::Question => "Questions",
        Screen::Review => "Review your answers",
        Screen::Result => "Recommendation and plan",
        Screen::Export => "Export the plan",
        Screen::ConfirmOverwrite => "Overwrite?",
        Screen::Help => "Help",
    };
    let mut spans = vec![
        Span::styled(" account-advisor ", theme.title()),
        Span::raw(format!("· {title}")),
    ];
    if state.screen == Screen::Question
        || (state.screen == Screen::Help && state.behind == Screen::Question)
    {
        let p = wizard::progress(state, rules);
        spans.push(Span::styled(
            format!("  ·  Question {} of about {}", p.number, p.total),
            theme.strong(),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The keys that apply on the current screen.
fn keys(state: &State, rules: &RuleSet) -> Vec<(&'static str, &'static str)> {
    let typing = state.typing(rules);
    match state.screen {
        Screen::Welcome => vec![
            ("Enter", "start"),
            ("r", "review"),
            ("?", "help"),
            ("q", "quit"),
            ("Ctrl-C", "quit"),
        ],
        Screen::Resume => vec![
            ("↑↓", "choose"),
            ("Enter", "confirm"),
            ("y/n", "resume/start over"),
            ("Ctrl-C", "quit"),
        ],
        Screen::Question => {
            let kind = rules.questions.get(state.current).map(|q| &q.kind);
            let mut keys = match kind {
                Some(QuestionKind::Multi) => {
                    vec![("↑↓", "move"), ("Space", "tick"), ("Enter", "next")]
                }
                Some(QuestionKind::Number { .. }) => vec![("0-9 ↑↓", "number"), ("Enter", "next")],
                Some(_) if typing => vec![("Enter", "next")],
                _ => vec![("↑↓", "move"), ("Enter", "choose")],
            };
            keys.push(("Esc", "back"));
            if typing {
                keys.extend([("Ctrl-R", "review"), ("F1", "help")]);
            } else {
                keys.extend([("r", "review"), ("?", "help")]);
            }
            keys.push(("Ctrl-C", "quit"));
            keys
        }
        Screen::Review => vec![
            ("↑↓", "move"),
            ("Enter", "edit/see result"),
            ("Esc", "back"),
            ("?", "help"),
            ("Ctrl-C", "quit"),
        ],
        Screen::Result => {
            let mut keys = vec![("↑↓ PgUp/PgDn", "scroll")];
            keys.push(if state.output.is_some() {
                ("Enter", "write plan & exit")
            } else {
                ("Enter", "export")
            });
            if state.output.is_some() {
                keys.push(("e", "export as…"));
            }
            keys.extend([
                ("r", "review"),
                ("Esc", "back"),
                ("q", "quit"),
                ("?", "help"),
            ]);
            keys
        }
        Screen::Export => vec![
            ("↑↓", "format"),
            ("type", "path"),
            ("Enter", "write"),
            ("Esc", "back"),
            ("Ctrl-C", "quit"),
        ],
        Screen::ConfirmOverwrite => vec![
            ("y", "overwrite"),
            ("n/Esc", "keep"),
            ("↑↓ Enter", "choose"),
        ],
        Screen::Help => vec![("Esc/?/Enter", "close help"), ("Ctrl-C", "quit")],
    }
}

fn draw_footer(frame: &mut Frame, area: Rect, state: &State, rules: &RuleSet, theme: Theme) {
    // Whole hints only: those that do not fit are dropped from the end, never cut.
    let mut spans = Vec::new();
    let mut used = 0;
    for (i, (key, what)) in keys(state, rules).into_iter().enumerate() {
        let sep = if i > 0 { 3 } else { 0 };
        let need = sep + key.width() + 1 + what.width();
        if used + need > area.width as usize {
            break;
        }
        used += need;
        if i > 0 {
            spans.push(Span::styled(" · ", theme.dim()));
        }
        spans.push(Span::styled(key, theme.strong()));
        spans.push(Span::raw(format!(" {what}")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn welcome(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let mut lines = vec![
        Line::styled(
            "Choose how to structure your itellicoAI accounts",
            theme.title(),
        ),
        Line::raw(""),
        Line::raw(
            "A few plain questions about your business: who your voice agents serve, who pays, \
                   what must be kept apart and who needs to sign in. The side panel shows the advice \
                   as you answer; at the end you get the recommended structure with its reasons, the \
                   mistakes to avoid, and a provisioning plan to save as YAML, JSON or Markdown.",
        ),
        Line::raw(""),
        Line::styled("Keys", theme.strong()),
        Line::raw("  ↑↓ or j/k   move              Enter           confirm and go on"),
        Line::raw("  Space       tick a box        Esc, Shift-Tab  previous question"),
        Line::raw("  r           review answers    ? or F1         help"),
        Line::raw("  Ctrl-C      quit at once      q               quit, answers kept"),
        Line::raw(""),
        Line::raw("Your answers are saved as you go, so nothing is lost if the window closes."),
    ];
    if let Some(notice) = &state.notice {
        lines.push(Line::raw(""));
        lines.push(Line::styled(safe(notice), theme.good()));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Press Enter to start.", theme.selected()));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(padded()),
        area,
    );
}

fn padded() -> Block<'static> {
    Block::default()
        .borders(Borders::NONE)
        .padding(ratatui::widgets::Padding::horizontal(1))
}

fn resume(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let count = state
        .resumable
        .as_ref()
        .map(|d| d.iter().filter(|v| v.is_some()).count())
        .unwrap_or(0);
    let mut lines = vec![
        Line::styled("Pick up where you left off?", theme.title()),
        Line::raw(""),
        Line::raw(format!(
            "An earlier session saved {count} answer{} but did not finish.",
            if count == 1 { "" } else { "s" }
        )),
        Line::raw(""),
    ];
    for (i, label) in ["Resume with those answers", "Start over"]
        .iter()
        .enumerate()
    {
        lines.push(option_line(i == state.cursor, "(•)", "( )", label, theme));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(padded()),
        area,
    );
}

fn option_line(highlighted: bool, on: &str, off: &str, label: &str, theme: Theme) -> Line<'static> {
    let text = format!(
        "{} {} {}",
        if highlighted { ">" } else { " " },
        if highlighted { on } else { off },
        safe(label)
    );
    if highlighted {
        Line::styled(text, theme.selected())
    } else {
        Line::raw(text)
    }
}

/// An option wrapped to `width`, its continuation rows indented under the label.
fn option_lines(
    highlighted: bool,
    on: &str,
    off: &str,
    label: &str,
    width: u16,
    theme: Theme,
) -> Vec<Line<'static>> {
    let first = option_line(highlighted, on, off, "", theme);
    let prefix: String = first.spans.iter().map(|s| s.content.as_ref()).collect();
    let indent = " ".repeat(prefix.width());
    let style = if highlighted {
        theme.selected()
    } else {
        Style::default()
    };
    let rows = wrap_words(
        &safe(label),
        (width as usize).saturating_sub(indent.len()).max(1),
        "",
    );
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| {
            Line::styled(
                format!("{}{row}", if i == 0 { &prefix } else { &indent }),
                style,
            )
        })
        .collect()
}

fn question(frame: &mut Frame, area: Rect, state: &State, rules: &RuleSet, theme: Theme) {
    let [main, side] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(area);
    advice(frame, side, state, rules, theme);
    let Some(q) = rules.questions.get(state.current) else {
        return;
    };
    let inner = padded().inner(main);
    // Wrapped here rather than by the paragraph, so the height below is exact.
    let width = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    push_wrapped(&mut lines, &q.prompt, "", "", width, theme.title());
    lines.push(Line::raw(""));
    push_wrapped(
        &mut lines,
        &format!("Why we ask: {}", q.help),
        "",
        "",
        width,
        theme.dim(),
    );
    lines.push(Line::raw(""));
    let mut input_rows: Option<u16> = None;
    match q.kind {
        QuestionKind::Choice => {
            for (i, o) in q.options.iter().enumerate() {
                lines.extend(option_lines(
                    i == state.cursor,
                    "(•)",
                    "( )",
                    &o.label,
                    inner.width,
                    theme,
                ));
            }
        }
        QuestionKind::Multi => {
            for (i, o) in q.options.iter().enumerate() {
                let ticked = state.marks & (1u64 << i.min(63)) != 0;
                let mark = if ticked { "[x]" } else { "[ ]" };
                lines.extend(option_lines(
                    i == state.cursor,
                    mark,
                    mark,
                    &o.label,
                    inner.width,
                    theme,
                ));
            }
        }
        QuestionKind::YesNo => {
            for (i, label) in ["Yes", "No"].iter().enumerate() {
                lines.push(option_line(i == state.cursor, "(•)", "( )", label, theme));
            }
        }
        QuestionKind::Text { .. } | QuestionKind::Number { .. } | QuestionKind::Names { .. } => {
            input_rows = Some(if matches!(q.kind, QuestionKind::Names { .. }) {
                4
            } else {
                1
            });
        }
    }
    let hint = input_hint(q);
    let default = default_hint(state, q);
    let top_height = (lines.len() as u16).min(inner.height);
    let [top, rest] =
        Layout::vertical([Constraint::Length(top_height), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(lines), top);
    let mut rest = rest;
    if let Some(rows) = input_rows {
        let [boxed, below] =
            Layout::vertical([Constraint::Length(rows + 2), Constraint::Min(0)]).areas(rest);
        input_box(frame, boxed, &state.input, theme);
        rest = below;
    }
    let mut notes: Vec<Line> = Vec::new();
    if let Some(error) = &state.error {
        notes.push(Line::styled(format!("✗ {}", safe(error)), theme.error()));
    }
    notes.push(Line::raw(""));
    if let Some(hint) = hint {
        notes.push(Line::styled(hint, theme.dim()));
    }
    if let Some(default) = default {
        notes.push(Line::styled(default, theme.dim()));
    }
    frame.render_widget(Paragraph::new(notes).wrap(Wrap { trim: false }), rest);
}

fn input_hint(q: &Question) -> Option<String> {
    match q.kind {
        QuestionKind::Names { min_len } => Some(format!(
            "Names of {min_len}+ characters, separated by commas or new lines (paste works), or a number as a count. Empty means none."
        )),
        QuestionKind::Number { min, max } => {
            Some(format!("A whole number from {min} to {max}; ↑↓ change it."))
        }
        QuestionKind::Text { min_len } => Some(format!("At least {min_len} characters.")),
        QuestionKind::Multi => Some("Tick all that apply, or none.".to_string()),
        QuestionKind::Choice | QuestionKind::YesNo => None,
    }
}

fn default_hint(state: &State, q: &Question) -> Option<String> {
    if !matches!(
        q.kind,
        QuestionKind::Text { .. } | QuestionKind::Number { .. } | QuestionKind::Names { .. }
    ) {
        return None;
    }
    if state.draft.get(state.current).is_some_and(Option::is_some) {
        return Some("Enter keeps this answer.".to_string());
    }
    q.default
        .as_ref()
        .map(|d| format!("Default: {}. Enter accepts it.", safe(&d.display(q))))
}

/// The typed text in a box, the cursor after its end; long text shows its end.
fn input_box(frame: &mut Frame, area: Rect, input: &str, theme: Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Your answer ")
        .border_style(theme.dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let width = inner.width.saturating_sub(1) as usize;
    let mut rows: Vec<String> = Vec::new();
    if inner.height == 1 {
        // One row: the end of the answer (where the cursor is), using the whole width.
        let last = safe(input.rsplit('\n').next().unwrap_or_default());
        let mut used = 0;
        let mut tail: Vec<char> = Vec::new();
        for c in last.chars().rev() {
            used += c.width().unwrap_or(0);
            if used > width.max(1) {
                break;
            }
            tail.push(c);
        }
        rows.push(tail.into_iter().rev().collect());
    } else {
        for line in input.split('\n') {
            rows.extend(wrap_chars(&safe(line), width.max(1)));
        }
    }
    let skip = rows.len().saturating_sub(inner.height as usize);
    let shown: Vec<Line> = rows[skip..].iter().map(|r| Line::raw(r.clone())).collect();
    let last_width = rows.last().map(|r| r.width()).unwrap_or(0) as u16;
    let last_row = (rows.len() - skip).saturating_sub(1) as u16;
    frame.render_widget(Paragraph::new(shown), inner);
    frame.set_cursor_position(Position::new(
        inner.x + last_width.min(inner.width.saturating_sub(1)),
        inner.y + last_row.min(inner.height.saturating_sub(1)),
    ));
}

/// Splits text into rows of at most `width` cells, counting wide characters as two.
fn wrap_chars(text: &str, width: usize) -> Vec<String> {
    let mut rows = vec![String::new()];
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width && used > 0 {
            rows.push(String::new());
            used = 0;
        }
        if let Some(row) = rows.last_mut() {
            row.push(c);
        }
        used += w;
    }
    rows
}

/// Word-wraps `text` to `width` cells; continuation rows start with `indent`.
fn wrap_words(text: &str, width: usize, indent: &str) -> Vec<String> {
    let width = width.max(indent.width() + 1);
    let mut rows: Vec<String> = Vec::new();
    let mut row = String::new();
    for word in text.split(' ') {
        let need = if row.is_empty() || row == indent {
            word.width()
        } else {
            word.width() + 1
        };
        if row.width() + need > width && !row.trim().is_empty() {
            rows.push(std::mem::replace(&mut row, indent.to_string()));
        }
        if !row.is_empty() && row != indent {
            row.push(' ');
        }
        if word.width() > width - indent.width() {
            for piece in wrap_chars(word, width - indent.width()) {
                if row.width() + piece.width() > width && !row.trim().is_empty() {
                    rows.push(std::mem::replace(&mut row, indent.to_string()));
                }
                row.push_str(&piece);
            }
        } else {
            row.push_str(word);
        }
    }
    rows.push(row);
    rows
}

/// The live side panel: the model these answers lead to, its reasons and findings.
fn advice(frame: &mut Frame, area: Rect, state: &State, rules: &RuleSet, theme: Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Advice so far ")
        .border_style(theme.dim())
        .padding(ratatui::widgets::Padding::horizontal(1));
    let preview = wizard::preview(state, rules);
    let mut lines: Vec<Line> = Vec::new();
    match &preview.report {
        None => lines.push(Line::styled(
            "No model fits these answers yet.",
            theme.error(),
        )),
        Some(report) => {
            lines.push(Line::styled(safe(&report.title), theme.good()));
            if let Some(before) = &preview.changed_from {
                lines.push(Line::styled(
                    format!("(this option changes it from: {})", safe(before)),
                    theme.selected(),
                ));
            }
            if preview.missing > 0 {
                lines.push(Line::styled(
                    "(so far; some answers are still to come)",
                    theme.dim(),
                ));
            }
            lines.push(Line::raw(""));
            for reason in report.reasons.iter().take(3) {
                lines.push(Line::raw(format!("• {}", safe(reason))));
            }
            if !report.findings.is_empty() {
                lines.push(Line::raw(""));
                lines.push(Line::styled("Watch out", theme.strong()));
                for f in &report.findings {
                    lines.push(Line::styled(
                        format!("! {}", safe(&f.message)),
                        theme.severity(f.severity),
                    ));
                }
            }
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

fn review(frame: &mut Frame, area: Rect, state: &State, rules: &RuleSet, theme: Theme) {
    let asked = rules.asked(&state.draft);
    let mut rows: Vec<Row> = asked
        .iter()
        .filter_map(|&q| {
            let question = rules.questions.get(q)?;
            Some(Row::new(vec![
                Cell::from(safe(&question.prompt)),
                Cell::from(safe(&wizard::answer_summary(state, rules, q))),
            ]))
        })
        .collect();
    rows.push(
        Row::new(vec![Cell::from("See the recommendation →"), Cell::from("")]).style(theme.good()),
    );
    let table = Table::new(
        rows,
        [Constraint::Percentage(60), Constraint::Percentage(40)],
    )
    .header(Row::new(vec!["Question", "Answer"]).style(theme.strong()))
    .row_highlight_style(theme.selected())
    .highlight_symbol("> ")
    .column_spacing(2)
    .block(padded());
    let mut table_state = TableState::default().with_selected(Some(state.cursor));
    let [top, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
    frame.render_widget(
        Paragraph::new(
            "Enter on an answer to change it; later questions adapt and keep what still applies.",
        )
        .style(theme.dim())
        .wrap(Wrap { trim: false })
        .block(padded()),
        top,
    );
    frame.render_stateful_widget(table, list, &mut table_state);
}

/// The result screen: recommendation, why not the others, who controls what, findings, plan.
fn result(frame: &mut Frame, area: Rect, state: &State, rules: &RuleSet, theme: Theme) -> u16 {
    let width = area.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    match state.outcome.as_deref() {
        None => lines.push(Line::styled(
            "No recommendation yet: answer the required questions first (r reviews them).",
            theme.error(),
        )),
        Some(outcome) => result_lines(
            &mut lines,
            &outcome.report,
            &outcome.plan,
            outcome.model,
            rules,
            width,
            theme,
        ),
    }
    if let Some(error) = &state.error {
        lines.insert(0, Line::styled(format!("✗ {}", safe(error)), theme.error()));
    }
    let max = lines
        .len()
        .saturating_sub(area.height as usize)
        .min(u16::MAX as usize) as u16;
    let scroll = state.scroll.min(max);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(padded()),
        area,
    );
    if scroll < max && area.height > 0 {
        let note = format!(" ↓ {} more lines ", max - scroll);
        let width = (note.width() as u16).min(area.width);
        let corner = Rect::new(area.right() - width, area.bottom() - 1, width, 1);
        frame.render_widget(Paragraph::new(note).style(theme.selected()), corner);
    }
    max
}

fn push_wrapped(
    lines: &mut Vec<Line<'static>>,
    text: &str,
    first: &str,
    indent: &str,
    width: usize,
    style: Style,
) {
    let room = width
        .saturating_sub(first.width().max(indent.width()))
        .max(1);
    for (i, row) in wrap_words(&safe(text), room, "").into_iter().enumerate() {
        let lead = if i == 0 { first } else { indent };
        lines.push(Line::styled(format!("{lead}{row}"), style));
    }
}

fn heading(lines: &mut Vec<Line<'static>>, text: &str, theme: Theme) {
    lines.push(Line::raw(""));
    lines.push(Line::styled(text.to_string(), theme.title()));
}

fn result_lines(
    lines: &mut Vec<Line<'static>>,
    report: &Report,
    plan: &Plan,
    model: usize,
    rules: &RuleSet,
    width: usize,
    theme: Theme,
) {
    let plain = Style::default();
    push_wrapped(
        lines,
        &format!("Recommended for {}: {}", report.organization, report.title),
        "",
        "",
        width,
        theme.good(),
    );
    if let Some(m) = rules.models.get(model) {
        push_wrapped(lines, &m.summary, "", "", width, theme.dim());
    }
    heading(lines, "Why", theme);
    for reason in &report.reasons {
        push_wrapped(lines, reason, "• ", "  ", width, plain);
    }
    heading(lines, "Why not the others", theme);
    for alt in &report.alternatives {
        push_wrapped(
            lines,
            &format!("{}: {}", alt.title, alt.why_not),
            "• ",
            "  ",
            width,
            plain,
        );
    }
    heading(lines, "Who controls what", theme);
    lines.push(Line::styled(
        "▶ marks the recommended structure.",
        theme.dim(),
    ));
    for row in &rules.comparison.rows {
        lines.push(Line::styled(safe(&row.area), theme.strong()));
        for (column, cell) in rules.comparison.columns.iter().zip(&row.cells) {
            let ours = column.models.contains(&model);
            let mark = if ours { "▶ " } else { "  " };
            let style = if ours { theme.selected() } else { plain };
            push_wrapped(
                lines,
                &format!("{}: {cell}", column.title),
                &format!("  {mark}"),
                "      ",
                width,
                style,
            );
        }
    }
    heading(lines, "Findings", theme);
    if report.findings.is_empty() {
        lines.push(Line::raw("None: no documented mistakes in these answers."));
    }
    for f in &report.findings {
        push_wrapped(
            lines,
            &format!("[{}] {}", f.severity.as_str(), f.message),
            "• ",
            "  ",
            width,
            theme.severity(f.severity),
        );
        push_wrapped(lines, &f.fix, "  Fix: ", "       ", width, plain);
    }
    heading(lines, "Accounts", theme);
    account_tree(lines, plan, width);
    if !plan.agency_access.is_empty() {
        heading(lines, "Agency access", theme);
        for grant in plan.agency_access.iter().take(LIST_LIMIT) {
            push_wrapped(
                lines,
                &format!(
                    "{} gets {} in {}",
                    grant.agency,
                    grant.role.as_str(),
                    grant.account
                ),
                "• ",
                "  ",
                width,
                plain,
            );
        }
        more(lines, plan.agency_access.len());
    }
    heading(lines, "Steps", theme);
    for step in plan.steps.iter().take(LIST_LIMIT) {
        push_wrapped(
            lines,
            &step.description,
            &format!("{:>3}. ", step.order),
            "     ",
            width,
            plain,
        );
    }
    more(lines, plan.steps.len());
    if !report.assumptions.is_empty() {
        heading(lines, "Assumed from defaults", theme);
        for a in &report.assumptions {
            let value = match &a.value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            push_wrapped(
                lines,
                &format!("{} = {value}", a.question),
                "• ",
                "  ",
                width,
                plain,
            );
        }
    }
}

/// Long lists (100,000 subaccounts) show their start; the exported plan has them all.
const LIST_LIMIT: usize = 200;

fn more(lines: &mut Vec<Line<'static>>, total: usize) {
    if total > LIST_LIMIT {
        lines.push(Line::raw(format!(
            "  … and {} more in the exported plan",
            total - LIST_LIMIT
        )));
    }
}

fn account_tree(lines: &mut Vec<Line<'static>>, plan: &Plan, width: usize) {
    let mut children: std::collections::HashMap<&str, Vec<&crate::model::plan::Account>> =
        std::collections::HashMap::new();
    for account in &plan.accounts {
        if let Some(parent) = account.parent.as_deref() {
            children.entry(parent).or_default().push(account);
        }
    }
    let describe = |a: &crate::model::plan::Account| {
        format!(
            "{} ({}, billing: {})",
            a.name,
            a.kind.as_str(),
            a.billing.as_str()
        )
    };
    let mut shown = 0;
    'roots: for root in plan.accounts.iter().filter(|a| a.parent.is_none()) {
        if shown >= LIST_LIMIT {
            break;
        }
        shown += 1;
        push_wrapped(lines, &describe(root), "", "  ", width, Style::default());
        let kids = children
            .get(&*root.reference)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for (i, child) in kids.iter().enumerate() {
            if shown >= LIST_LIMIT {
                break 'roots;
            }
            shown += 1;
            let branch = if i + 1 == kids.len() {
                "└─ "
            } else {
                "├─ "
            };
            push_wrapped(
                lines,
                &describe(child),
                branch,
                "   ",
                width,
                Style::default(),
            );
        }
    }
    if shown < plan.accounts.len() {
        lines.push(Line::raw(format!(
            "  … and {} more accounts in the exported plan",
            plan.accounts.len() - shown
        )));
    }
}

fn export(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let inner = padded().inner(area);
    let mut lines = vec![
        Line::styled("Save the plan", theme.title()),
        Line::raw(""),
        Line::raw("Format:"),
    ];
    for f in FORMATS {
        let label = match f {
            crate::plan::Format::Yaml => "YAML (for scripts and onboarding teams)",
            crate::plan::Format::Json => "JSON (for scripts)",
            crate::plan::Format::Markdown => "Markdown (a summary to send to the customer)",
        };
        lines.push(option_line(state.format == f, "(•)", "( )", label, theme));
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw("Plan file (type to change the path):"));
    let [top, boxed, rest] = Layout::vertical([
        Constraint::Length(lines.len() as u16),
        Constraint::Length(3),
        Constraint::Min(0),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(lines), top);
    input_box(frame, boxed, &state.input, theme);
    let target = wizard::target_for(std::path::Path::new(state.input.trim()));
    let mut notes = vec![Line::styled(
        format!(
            "The answers are saved beside it as {}.",
            safe(&target.answers.display().to_string())
        ),
        theme.dim(),
    )];
    if let Some(error) = &state.error {
        notes.push(Line::styled(format!("✗ {}", safe(error)), theme.error()));
    }
    frame.render_widget(Paragraph::new(notes).wrap(Wrap { trim: false }), rest);
}

fn confirm_overwrite(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let popup = centered(area, 56, 9);
    frame.render_widget(Clear, popup);
    let names: Vec<String> = state
        .existing
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let (what, verb) = match names.as_slice() {
        [one] => (one.clone(), "exists"),
        _ => (names.join(" and "), "exist"),
    };
    let mut lines = vec![
        Line::raw(safe(&format!("{what} already {verb}. Overwrite?"))),
        Line::raw(""),
    ];
    lines.push(option_line(
        state.cursor == 0,
        "(•)",
        "( )",
        "Overwrite",
        theme,
    ));
    lines.push(option_line(
        state.cursor == 1,
        "(•)",
        "( )",
        "Keep what is there",
        theme,
    ));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" File exists ")
        .border_style(theme.error());
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        popup,
    );
}

fn help(frame: &mut Frame, area: Rect, theme: Theme) {
    let popup = centered(area, 64, 18);
    frame.render_widget(Clear, popup);
    let rows = [
        ("↑ ↓  j k", "move the highlight (scroll on the result)"),
        (
            "Enter",
            "confirm the answer and go on; accepts a shown default",
        ),
        ("Space", "tick or untick a check box"),
        ("Esc, Shift-Tab", "previous question or screen"),
        ("r (Ctrl-R)", "review every answer and jump to one"),
        ("1-9  y n", "pick an option or yes/no directly"),
        ("e", "on the result: export in another format or path"),
        ("? (F1)", "this help"),
        ("q", "quit (answers stay saved)"),
        ("Ctrl-C", "quit at once"),
    ];
    let mut lines: Vec<Line> = rows
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{k:<16}"), theme.strong()),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::raw(
        "Names: type or paste them, separated by commas or new lines, or type a number.",
    ));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Keys ")
        .border_style(theme.dim());
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .block(block),
        popup,
    );
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}
