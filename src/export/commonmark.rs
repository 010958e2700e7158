//! Stored story HTML as CommonMark (with GFM tables and strikethrough), for notes apps.
//!
//! The output carries no HTML at all: every character of the story's text that CommonMark
//! would read as syntax (`<`, `&`, `*`, `[`, `|`, `$` …, and `-`, `+`, `=`, `1.` at a line's
//! start) is backslash-escaped, so a hostile story cannot put a tag, an entity, a link or a
//! heading into a notes app. What Markdown cannot say is simplified, never passed through: a
//! cell's lists become its text, a `colspan` becomes empty cells, `<sub>` is its text. Links
//! keep only http, https and mailto targets; images go through the caller's `image` function
//! (which copies them and names the copy) or become their alt text.
//!
//! Recursion is bounded by [`MAX_DEPTH`]: deeper markup is written as its plain text.

use ego_tree::NodeRef;
use scraper::{Html, Node};

/// Deepest element nesting converted structurally; below it, text only.
const MAX_DEPTH: usize = 48;

/// Largest number of columns a table keeps (a hostile `colspan` cannot make a huge row).
const MAX_COLUMNS: usize = 64;

/// Elements dropped with their content (the sanitizer has removed them already; a converter
/// that never trusts its input drops them again).
fn is_dropped(tag: &str) -> bool {
    crate::sanitize::DROP_WITH_CONTENT.contains(&tag) || matches!(tag, "rp" | "rt")
}

/// Elements that hold blocks (their content is converted as blocks, nothing of their own).
fn is_container(tag: &str) -> bool {
    matches!(
        tag,
        "html"
            | "body"
            | "div"
            | "p"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "main"
            | "aside"
            | "nav"
            | "figure"
            | "figcaption"
            | "details"
            | "summary"
            | "center"
            | "address"
            | "fieldset"
            | "li"
            | "dd"
            | "caption"
            | "hgroup"
    )
}

/// Elements that start a block of their own.
fn is_block(tag: &str) -> bool {
    is_container(tag)
        || matches!(
            tag,
            "h1" | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "blockquote"
                | "ul"
                | "ol"
                | "pre"
                | "table"
                | "hr"
                | "dl"
                | "dt"
                | "tr"
                | "td"
                | "th"
                | "thead"
                | "tbody"
                | "tfoot"
        )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Paragraph,
    /// A list: ordered or not, and whether a paragraph right before it can be followed
    /// without a blank line (a bullet list, or an ordered one from 1).
    List {
        ordered: bool,
        interrupts: bool,
    },
    Other,
}

struct Block {
    text: String,
    kind: Kind,
    /// Lists: drawn with the second marker (`*` or `)`), so a list right after another of the
    /// same kind is not read as its continuation.
    alternate: bool,
}

/// Blocks as one text: a blank line between blocks, except a paragraph followed by a list
/// inside a list item (`tight`), which keeps the item's list tight.
fn join(blocks: &[Block], tight: bool) -> String {
    let mut out = String::new();
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            let close = tight
                && blocks[i - 1].kind == Kind::Paragraph
                && matches!(
                    block.kind,
                    Kind::List {
                        interrupts: true,
                        ..
                    }
                );
            out.push_str(if close { "\n" } else { "\n\n" });
        }
        out.push_str(&block.text);
    }
    out
}

/// `text` with every line after the first indented by `indent`, and the first prefixed by
/// `first` (blank lines stay blank).
fn indent_lines(text: &str, first: &str, indent: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if i == 0 {
            out.push_str(first);
            out.push_str(line);
        } else if !line.is_empty() {
            out.push_str(indent);
            out.push_str(line);
        }
    }
    out.truncate(out.trim_end_matches(' ').len());
    out
}

/// Inline Markdown being written: escaped text, marks, links; whitespace collapsed as HTML
/// shows it.
struct Inline {
    out: String,
    /// A space is owed before the next visible character.
    space: bool,
    /// Line breaks become spaces (headings, table cells).
    single_line: bool,
    /// Inside a table cell: `|` is escaped inside code spans as well.
    in_cell: bool,
    /// Digits have been written since the line began (a following `.` or `)` is escaped).
    digits_at_line_start: bool,
    /// Written into the middle of a line (inside a link or emphasis): its start is no line's.
    mid_line: bool,
}

impl Inline {
    fn new(single_line: bool, in_cell: bool) -> Inline {
        Inline {
            out: String::new(),
            space: false,
            single_line,
            in_cell,
            digits_at_line_start: false,
            mid_line: false,
        }
    }

    fn at_line_start(&self) -> bool {
        (self.out.is_empty() && !self.mid_line) || self.out.ends_with('\n')
    }

    /// A space is owed before what comes next, when `owed`.
    fn owe_space(&mut self, owed: bool) {
        self.space |= owed;
    }

    fn flush_space(&mut self) {
        if self.space && !self.at_line_start() {
            self.out.push(' ');
        }
        self.space = false;
    }

    /// Writes markup of our own (never from the story).
    fn raw(&mut self, s: &str) {
        self.flush_space();
        self.out.push_str(s);
        self.digits_at_line_start = false;
    }

    /// Writes story text, whitespace collapsed, escaped.
    fn text(&mut self, s: &str) {
        for c in s.chars() {
            if c.is_ascii_whitespace() {
                self.space = true;
                continue;
            }
            self.flush_space();
            self.char(c);
        }
    }

    /// One visible character of story text.
    fn char(&mut self, c: char) {
        let line_start = self.at_line_start();
        let escape = match c {
            // `!` needs none: `[` always is escaped, so it never starts an image.
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '#' | '|' | '~' | '$' => true,
            '-' | '+' | '=' => line_start,
            '.' | ')' => self.digits_at_line_start,
            _ => false,
        };
        self.digits_at_line_start = c.is_ascii_digit() && (line_start || self.digits_at_line_start);
        if escape {
            self.out.push('\\');
        }
        self.out.push(c);
    }

    fn line_break(&mut self) {
        if self.single_line {
            self.space = true;
        } else if !self.out.is_empty() && !self.out.ends_with("\\\n") {
            self.space = false;
            self.out.push_str("\\\n");
        }
    }

    /// The written text without a trailing line break or space.
    fn finish(mut self) -> String {
        while let Some(rest) = self.out.strip_suffix("\\\n") {
            self.out.truncate(rest.len());
        }
        self.out.truncate(self.out.trim_end().len());
        self.out
    }
}

/// Only web and mail links survive; the target written so no character ends it early.
fn link_target(href: &str) -> Option<String> {
    let href = href.trim();
    let scheme = href.split(':').next()?.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https" | "mailto") || !href.contains(':') {
        return None;
    }
    Some(pointy(href))
}

/// A link destination in `<…>`, with the characters that could end or break it encoded.
fn pointy(target: &str) -> String {
    let mut out = String::from("<");
    for c in target.chars() {
        match c {
            '<' | '>' | '\\' | '|' | ' ' | '`' => out.push_str(&format!("%{:02X}", c as u32)),
            // An entity in a destination is decoded: `&` is written escaped, as itself.
            '&' => out.push_str("\\&"),
            c if c.is_control() || c.is_whitespace() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('>');
    out
}

/// A code span holding `code` (whitespace collapsed): fenced with one more backtick than
/// its longest run, padded when it starts or ends with a backtick or space.
fn code_span(code: &str, in_cell: bool) -> Option<String> {
    let code = code.split_whitespace().collect::<Vec<_>>().join(" ");
    if code.is_empty() {
        return None;
    }
    let code = if in_cell {
        code.replace('|', "\\|")
    } else {
        code
    };
    let fence = "`".repeat(longest_run(&code, '`') + 1);
    let pad = if code.starts_with('`') || code.ends_with('`') {
        " "
    } else {
        ""
    };
    Some(format!("{fence}{pad}{code}{pad}{fence}"))
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for x in s.chars() {
        run = if x == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// All text under `node` as it stands, images as their alt text (for code, and for markup
/// past [`MAX_DEPTH`]).
fn text_of(node: NodeRef<'_, Node>) -> String {
    let mut out = String::new();
    for n in node.descendants() {
        let text = match n.value() {
            Node::Text(t) => &**t,
            Node::Element(e) if e.name() == "img" => e.attr("alt").unwrap_or(""),
            _ => continue,
        };
        let dropped = n
            .ancestors()
            .any(|a| a.value().as_element().is_some_and(|e| is_dropped(e.name())));
        if !dropped {
            out.push_str(text);
        }
    }
    out
}

/// The converter: `image` turns an image's `src` into the link to write (`None`: only its alt
/// text is kept).
struct Converter<'f> {
    image: &'f mut dyn FnMut(&str) -> Option<String>,
    strong: usize,
    emphasis: usize,
    strike: usize,
    link: usize,
}

impl Converter<'_> {
    /// The children of `node` as blocks.
    fn blocks(&mut self, node: NodeRef<'_, Node>, depth: usize) -> Vec<Block> {
        self.blocks_of(node.children(), depth)
    }

    /// `nodes` (siblings) as blocks: inline runs become paragraphs.
    fn blocks_of<'a>(
        &mut self,
        nodes: impl Iterator<Item = NodeRef<'a, Node>>,
        depth: usize,
    ) -> Vec<Block> {
        let mut blocks: Vec<Block> = Vec::new();
        let mut inline = Inline::new(false, false);
        let flush = |inline: &mut Inline, blocks: &mut Vec<Block>| {
            let text = std::mem::replace(inline, Inline::new(false, false)).finish();
            if !text.is_empty() {
                blocks.push(Block {
                    text,
                    kind: Kind::Paragraph,
                    alternate: false,
                });
            }
        };
        for child in nodes {
            match child.value() {
                Node::Text(t) => inline.text(t),
                Node::Element(el) => {
                    let tag = el.name();
                    if is_dropped(tag) {
                        continue;
                    }
                    if !is_block(tag) {
                        self.inline(child, &mut inline, depth + 1);
                        continue;
                    }
                    flush(&mut inline, &mut blocks);
                    if depth >= MAX_DEPTH {
                        let mut deep = Inline::new(false, false);
                        deep.text(&text_of(child));
                        flush(&mut deep, &mut blocks);
                        continue;
                    }
                    self.block(child, tag, depth + 1, &mut blocks);
                }
                _ => {}
            }
        }
        flush(&mut inline, &mut blocks);
        blocks
    }

    /// One block element, appended to `blocks`.
    fn block(&mut self, node: NodeRef<'_, Node>, tag: &str, depth: usize, blocks: &mut Vec<Block>) {
        let push = |blocks: &mut Vec<Block>, text: String, kind: Kind, alternate: bool| {
            if !text.is_empty() {
                blocks.push(Block {
                    text,
                    kind,
                    alternate,
                });
            }
        };
        match tag {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = usize::from(tag.as_bytes()[1] - b'0');
                let text = self.single_line(node, depth, false);
                if !text.is_empty() {
                    push(
                        blocks,
                        format!("{} {text}", "#".repeat(level)),
                        Kind::Other,
                        false,
                    );
                }
            }
            "blockquote" => {
                let inner = join(&self.blocks(node, depth), false);
                if !inner.is_empty() {
                    let quoted: Vec<String> = inner
                        .split('\n')
                        .map(|l| {
                            if l.is_empty() {
                                ">".into()
                            } else {
                                format!("> {l}")
                            }
                        })
                        .collect();
                    push(blocks, quoted.join("\n"), Kind::Other, false);
                }
            }
            "ul" | "ol" => {
                let ordered = tag == "ol";
                let alternate = blocks.last().is_some_and(|b| {
                    matches!(b.kind, Kind::List { ordered: o, .. } if o == ordered) && !b.alternate
                });
                let (text, kind) = self.list(node, ordered, alternate, depth);
                push(blocks, text, kind, alternate);
            }
            "pre" => push(blocks, code_block(&text_of(node)), Kind::Other, false),
            "table" => {
                for block in self.table(node, depth) {
                    blocks.push(block);
                }
            }
            "hr" => push(blocks, "***".into(), Kind::Other, false),
            "dt" => {
                self.strong += 1;
                let text = self.single_line(node, depth, false);
                self.strong -= 1;
                if !text.is_empty() {
                    push(blocks, format!("**{text}**"), Kind::Paragraph, false);
                }
            }
            // Containers, and table parts met outside a table: their content as blocks.
            _ => blocks.extend(self.blocks(node, depth)),
        }
    }

    /// A list: each item's blocks behind its marker, the rest of its lines indented to match.
    fn list(
        &mut self,
        node: NodeRef<'_, Node>,
        ordered: bool,
        alternate: bool,
        depth: usize,
    ) -> (String, Kind) {
        let start: u64 = node
            .value()
            .as_element()
            .and_then(|e| e.attr("start"))
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(1)
            .min(999_999_000);
        let mut items = Vec::new();
        let mut number = start;
        for child in node.children() {
            let is_item = matches!(child.value(), Node::Element(el) if el.name() == "li");
            // Anything else found in a list (text, a stray paragraph) is an item of its own.
            let body = if is_item {
                join(&self.blocks(child, depth), true)
            } else {
                join(&self.blocks_of(std::iter::once(child), depth), true)
            };
            if body.is_empty() && !is_item {
                continue;
            }
            let marker = match (ordered, alternate) {
                (false, false) => "-".to_string(),
                (false, true) => "*".to_string(),
                (true, false) => format!("{number}."),
                (true, true) => format!("{number})"),
            };
            number += 1;
            let indent = " ".repeat(marker.len() + 1);
            items.push(if body.is_empty() {
                marker
            } else {
                indent_lines(&body, &format!("{marker} "), &indent)
            });
        }
        // An empty first item cannot interrupt a paragraph either (the paragraph's last line
        // would read as a heading's underline).
        let first_empty = items.first().is_some_and(|first| !first.contains(' '));
        let kind = Kind::List {
            ordered,
            interrupts: (!ordered || start == 1) && !first_empty,
        };
        (items.join("\n"), kind)
    }

    /// A table as a GFM table (the first row is its header), after its caption.
    fn table(&mut self, node: NodeRef<'_, Node>, depth: usize) -> Vec<Block> {
        let mut out = Vec::new();
        let mut rows: Vec<Vec<String>> = Vec::new();
        // Rows of this table only: walk its sections, never into a nested table.
        let mut stack: Vec<NodeRef<'_, Node>> = node.children().collect();
        stack.reverse();
        while let Some(n) = stack.pop() {
            let Some(el) = n.value().as_element() else {
                continue;
            };
            match el.name() {
                "caption" => {
                    self.emphasis += 1;
                    let text = self.single_line(n, depth, false);
                    self.emphasis -= 1;
                    if !text.is_empty() {
                        out.push(Block {
                            text: format!("*{text}*"),
                            kind: Kind::Paragraph,
                            alternate: false,
                        });
                    }
                }
                "thead" | "tbody" | "tfoot" => {
                    let mut inner: Vec<_> = n.children().collect();
                    inner.reverse();
                    stack.extend(inner);
                }
                "tr" => {
                    let mut row = Vec::new();
                    for cell in n.children() {
                        let Some(c) = cell.value().as_element() else {
                            continue;
                        };
                        if !matches!(c.name(), "td" | "th") {
                            continue;
                        }
                        row.push(self.single_line(cell, depth, true));
                        let span: usize = c
                            .attr("colspan")
                            .and_then(|s| s.trim().parse().ok())
                            .unwrap_or(1);
                        for _ in 1..span.min(MAX_COLUMNS) {
                            row.push(String::new());
                        }
                    }
                    row.truncate(MAX_COLUMNS);
                    if !row.is_empty() {
                        rows.push(row);
                    }
                }
                _ => {}
            }
        }
        let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return out;
        }
        let line = |cells: &[String]| {
            let mut s = String::from("|");
            for i in 0..columns {
                let cell = cells.get(i).map(String::as_str).unwrap_or("");
                s.push(' ');
                s.push_str(cell);
                s.push_str(" |");
            }
            s
        };
        let mut table = vec![line(&rows[0]), format!("|{}", " --- |".repeat(columns))];
        table.extend(rows[1..].iter().map(|r| line(r)));
        out.push(Block {
            text: table.join("\n"),
            kind: Kind::Other,
            alternate: false,
        });
        out
    }

    /// The inline content of `node` on one line (a heading, a table cell).
    fn single_line(&mut self, node: NodeRef<'_, Node>, depth: usize, in_cell: bool) -> String {
        let mut inline = Inline::new(true, in_cell);
        self.inline_children(node, &mut inline, depth);
        inline.finish()
    }

    fn inline_children(&mut self, node: NodeRef<'_, Node>, out: &mut Inline, depth: usize) {
        for child in node.children() {
            self.inline(child, out, depth + 1);
        }
    }

    /// `node` written inline into `out`.
    fn inline(&mut self, node: NodeRef<'_, Node>, out: &mut Inline, depth: usize) {
        let el = match node.value() {
            Node::Text(t) => return out.text(t),
            Node::Element(el) => el,
            _ => return,
        };
        let tag = el.name();
        if is_dropped(tag) {
            return;
        }
        if depth >= MAX_DEPTH {
            return out.text(&text_of(node));
        }
        match tag {
            "br" => out.line_break(),
            "img" => {
                let alt = el.attr("alt").unwrap_or("");
                let target = el.attr("src").and_then(|src| (self.image)(src));
                match target {
                    Some(target) => {
                        let mut alt_text = Inline::new(true, out.in_cell);
                        alt_text.text(alt);
                        out.raw(&format!("![{}]({})", alt_text.finish(), pointy(&target)));
                    }
                    None => out.text(alt),
                }
            }
            "code" | "kbd" | "samp" | "tt" => match code_span(&text_of(node), out.in_cell) {
                Some(span) => out.raw(&span),
                None => out.text(" "),
            },
            "a" if self.link == 0 => match el.attr("href").and_then(link_target) {
                Some(target) => {
                    self.link += 1;
                    let (text, trailing) = self.wrapped(node, out, depth);
                    self.link -= 1;
                    // A link with no words of its own (a link to embedded media, see
                    // `crate::sanitize::media`, alone or on a video's poster) says its title.
                    let title = el
                        .attr("title")
                        .filter(|_| text_of(node).trim().is_empty())
                        .map(|title| {
                            let mut words = Inline::new(out.single_line, out.in_cell);
                            words.mid_line = true;
                            words.text(title.trim());
                            words.finish()
                        })
                        .filter(|t| !t.trim().is_empty());
                    let text = match (text, title) {
                        (Some(picture), Some(title)) => Some(format!("{picture} {title}")),
                        (text, title) => text.or(title),
                    };
                    if let Some(text) = text {
                        out.raw(&format!("[{text}]({target})"));
                    }
                    out.owe_space(trailing);
                }
                None => self.inline_children(node, out, depth),
            },
            "strong" | "b" => self.marked(node, out, depth, "**", |c| &mut c.strong),
            "em" | "i" | "cite" | "dfn" | "var" => {
                self.marked(node, out, depth, "*", |c| &mut c.emphasis)
            }
            "del" | "s" | "strike" => self.marked(node, out, depth, "~~", |c| &mut c.strike),
            _ => {
                // Blocks met inside inline content (a paragraph in a link) read as words.
                let block = is_block(tag);
                if block {
                    out.text(" ");
                }
                self.inline_children(node, out, depth);
                if block {
                    out.text(" ");
                }
            }
        }
    }

    /// The children of `node` written on their own (mid-line), trimmed, with the spaces
    /// around them carried to `out`; `None` when nothing visible is left. Call
    /// [`Inline::raw`] with the result, then [`Inline::owe_space`] with the flag.
    fn wrapped(
        &mut self,
        node: NodeRef<'_, Node>,
        out: &mut Inline,
        depth: usize,
    ) -> (Option<String>, bool) {
        let mut inner = Inline::new(out.single_line, out.in_cell);
        inner.mid_line = true;
        self.inline_children(node, &mut inner, depth);
        let trailing = inner.space || inner.out.ends_with(' ');
        let text = inner.finish();
        if text.starts_with(' ') {
            out.space = true;
        }
        let text = text.trim_start_matches(' ');
        ((!text.is_empty()).then(|| text.to_string()), trailing)
    }

    /// Emphasis, strong or strikethrough around the children (once: nested marks of one kind
    /// are written as one).
    fn marked(
        &mut self,
        node: NodeRef<'_, Node>,
        out: &mut Inline,
        depth: usize,
        mark: &str,
        counter: fn(&mut Self) -> &mut usize,
    ) {
        if *counter(self) > 0 {
            return self.inline_children(node, out, depth);
        }
        *counter(self) += 1;
        let (text, trailing) = self.wrapped(node, out, depth);
        *counter(self) -= 1;
        if let Some(text) = text {
            out.raw(&format!("{mark}{text}{mark}"));
        }
        out.owe_space(trailing);
    }
}

/// A fenced code block holding `code` as it stands.
fn code_block(code: &str) -> String {
    let code = code.strip_suffix('\n').unwrap_or(code);
    if code.trim().is_empty() {
        return String::new();
    }
    let fence = "`".repeat(longest_run(code, '`').max(2) + 1);
    format!("{fence}\n{code}\n{fence}")
}

/// Story HTML as CommonMark; `image` names the file an image `src` was copied to.
pub fn to_commonmark(html: &str, image: &mut dyn FnMut(&str) -> Option<String>) -> String {
    let fragment = Html::parse_fragment(html);
    let mut converter = Converter {
        image,
        strong: 0,
        emphasis: 0,
        strike: 0,
        link: 0,
    };
    let blocks = converter.blocks(*fragment.root_element(), 0);
    join(&blocks, false)
}

/// Plain text (a highlight's words, a note) as CommonMark paragraphs: blank lines part
/// paragraphs, other line breaks stay line breaks, and nothing in it is read as syntax.
pub fn plain_text(text: &str) -> String {
    let mut paragraphs = Vec::new();
    for paragraph in text.split("\n\n") {
        let mut inline = Inline::new(false, false);
        for (i, line) in paragraph.lines().enumerate() {
            if i > 0 {
                inline.line_break();
            }
            inline.text(line);
        }
        let written = inline.finish();
        if !written.is_empty() {
            paragraphs.push(written);
        }
    }
    paragraphs.join("\n\n")
}
