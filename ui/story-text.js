// A story's plain text as the library builds it (src/extract/text.rs, `to_text`): text nodes
// in order, whitespace runs collapsed to one space outside <pre>, a line break at the end of a
// block and a blank line after a paragraph-like one, a line break for <br>, a space between
// table cells. Highlights are anchored in that text (offsets in code points), so the window
// reads the story frame's document the same way, keeping for every character the text node
// and offset it came from: a selection becomes a text-quote selector, and a stored highlight a
// range of text nodes to mark. Runs on the frame's document from the window; the frame runs
// no script. The header, lead picture and "no text" line reader.js adds are not the story's.

import { STORY_CHROME } from "./reader.js";

const BLOCK = new Set(
  "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre table thead tbody tfoot tr caption figure figcaption section article header footer aside nav main address details summary hr br center form fieldset picture body".split(
    " "
  )
);
const PARAGRAPH = new Set("p h1 h2 h3 h4 h5 h6 ul ol dl blockquote pre table figure hr".split(" "));
// What the library's text leaves out (images, and what its sanitizer drops with its content).
const SKIPPED = new Set(
  "img script style noscript template iframe object embed svg math textarea select button form frameset frame applet head title".split(
    " "
  )
);
// Rust's `char::is_whitespace` (Unicode White_Space), not JavaScript's \s (which differs).
const WS = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const WORD = new RegExp(`[^${WS}]+`, "gu");
const IS_WS = new RegExp(`^[${WS}]$`, "u");

// Elements whose own text nodes are never shown (only their cells, items or rows are).
const NO_TEXT = new Set("table thead tbody tfoot tr colgroup ul ol dl".split(" "));
const VISIBLE = new RegExp(`[^${WS}]`, "u");

/**
 * The text of the story in `doc` (the frame's document): { text, chars, at, nodes } where
 * `chars` are its code points, `at[i]` is [textNode, UTF-16 offset] for a character read from
 * the document (null for a line break or space the walk put in), and `nodes` every text node
 * the walk read, in order.
 */
export function storyText(doc) {
  const chars = [];
  const at = [];
  const nodes = [];
  let breaks = 0;
  let space = false;
  const emit = (c, from) => {
    chars.push(c);
    at.push(from);
  };
  const block = (level) => {
    if (chars.length) breaks = Math.max(breaks, level);
    space = false;
  };
  const flushBreaks = () => {
    if (!breaks) return;
    for (; breaks > 0; breaks--) emit("\n", null);
    space = false;
  };
  const emitRun = (node, run, offset) => {
    for (const c of run) {
      emit(c, [node, offset]);
      offset += c.length;
    }
  };
  const text = (node, pre) => {
    nodes.push(node);
    const s = node.data;
    if (pre) {
      if (!s) return;
      flushBreaks();
      if (space) emit(" ", null);
      space = false;
      emitRun(node, s, 0);
      return;
    }
    // Every White_Space character is one UTF-16 unit.
    const startsWs = s.length > 0 && IS_WS.test(s[0]);
    const endsWs = s.length > 0 && IS_WS.test(s[s.length - 1]);
    let first = true;
    for (const match of s.matchAll(WORD)) {
      flushBreaks();
      const glued = first && !startsWs && !space;
      const lineStart = chars.length === 0 || chars[chars.length - 1] === "\n";
      if (!glued && !lineStart) emit(" ", null);
      space = false;
      emitRun(node, match[0], match.index);
      first = false;
    }
    if (first) {
      if (s) space = true;
    } else if (endsWs) {
      space = true;
    }
  };
  const body = doc.body;
  if (body) {
    // (node, closing, inside <pre>), depth first as the library walks.
    const stack = [[body, false, false]];
    while (stack.length) {
      const [node, closing, pre] = stack.pop();
      if (node.nodeType === Node.TEXT_NODE) {
        text(node, pre);
        continue;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const tag = node.localName;
      if (closing) {
        if (BLOCK.has(tag)) block(PARAGRAPH.has(tag) ? 2 : 1);
        else if (tag === "td" || tag === "th") space = true;
        continue;
      }
      if (tag === "br") {
        flushBreaks();
        emit("\n", null);
        space = false;
        continue;
      }
      if (SKIPPED.has(tag) || (node.parentNode === body && node.matches(STORY_CHROME))) continue;
      if (BLOCK.has(tag)) block(PARAGRAPH.has(tag) ? 2 : 1);
      const inPre = pre || tag === "pre";
      stack.push([node, true, inPre]);
      for (let child = node.lastChild; child; child = child.previousSibling) stack.push([child, false, inPre]);
    }
  }
  // As the library: no whitespace at the end, no line breaks at the start.
  while (chars.length && IS_WS.test(chars[chars.length - 1])) {
    chars.pop();
    at.pop();
  }
  let lead = 0;
  while (lead < chars.length && chars[lead] === "\n") lead++;
  chars.splice(0, lead);
  at.splice(0, lead);
  return { text: chars.join(""), chars, at, nodes };
}

/** The indexes of the characters read from the document, in order. */
function readIndexes(story) {
  const out = [];
  story.at.forEach((from, i) => from && out.push(i));
  return out;
}

/** The first index in `list` for which `test` holds (`test` is false, then true), or list.length. */
function firstWhere(list, test) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (test(list[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The span { start, end } (code points, end exclusive) of the characters of `story` that DOM
 * Range `range` covers, or null when it covers none.
 */
export function spanOfRange(story, range) {
  const read = readIndexes(story);
  const charAt = (i) => story.at[i];
  // The first character whose start is not before the range, and the first whose end is after it.
  const from = firstWhere(read, (i) => range.comparePoint(charAt(i)[0], charAt(i)[1]) >= 0);
  const to = firstWhere(read, (i) => {
    const [node, offset] = charAt(i);
    return range.comparePoint(node, offset + story.chars[i].length) > 0;
  });
  if (from >= to) return null;
  return { start: read[from], end: read[to - 1] + 1 };
}

/** Up to `context` code points either side of `span`, and its words: a text-quote selector. */
export function quoteOf(story, span, context) {
  return {
    exact: story.chars.slice(span.start, span.end).join(""),
    prefix: story.chars.slice(Math.max(0, span.start - context), span.start).join(""),
    suffix: story.chars.slice(span.end, span.end + context).join(""),
  };
}

/** A text node of only whitespace that shows as a space between words (not between blocks). */
function spaceBetweenWords(node) {
  const block = (n) => n && n.nodeType === Node.ELEMENT_NODE && BLOCK.has(n.localName);
  return !NO_TEXT.has(node.parentNode.localName) && !block(node.previousSibling) && !block(node.nextSibling);
}

/**
 * Wraps the characters of `span` in elements made by `make()`, one per text node they stand in
 * (split off with splitText; no markup is parsed), with the spaces between them. Returns the
 * elements, in order.
 */
export function wrapSpan(story, span, make) {
  let first = null;
  let last = null;
  for (let i = span.start; i < Math.min(span.end, story.at.length); i++) {
    const from = story.at[i];
    if (!from) continue;
    first = first || from;
    last = [from[0], from[1] + story.chars[i].length];
  }
  if (!first) return [];
  const from = story.nodes.indexOf(first[0]);
  const to = story.nodes.indexOf(last[0]);
  const pieces = [];
  for (let k = from; k <= to; k++) {
    const node = story.nodes[k];
    const start = k === from ? first[1] : 0;
    const end = k === to ? last[1] : node.length;
    const inside = k !== from && k !== to;
    if (end > start && (!inside || VISIBLE.test(node.data) || spaceBetweenWords(node))) pieces.push({ node, start, end });
  }
  return pieces.map(({ node, start, end }) => {
    let target = node;
    if (end < target.length) target.splitText(end);
    if (start > 0) target = target.splitText(start);
    const wrapper = make();
    target.replaceWith(wrapper);
    wrapper.append(target);
    return wrapper;
  });
}
