// Builds the document a story is read in. The body (sanitized HTML from the library) is parsed
// by DOMParser, which runs nothing and loads nothing; the headline, byline and source are added
// as text nodes; the result is serialized into the srcdoc of a frame under its own CSP whose
// sandbox allows only being same-origin and asking for popups: no scripts (not even event
// handlers or javascript: links), no forms, no top navigation. Same origin lets the window
// (never the page) scroll the frame, to page through the story with the keyboard; without
// allow-scripts the page cannot use it. Links target _blank, so a click asks for a new window:
// the app makes none and opens an http(s) link in the system browser instead
// (create_main_window in src-tauri/src/main.rs).

import { FRAME_CSS } from "./frame-css.js";
import { IMAGE_SCHEME } from "./image-scheme.js";

const FRAME_CSP = `default-src 'none'; img-src ${IMAGE_SCHEME}: data:; style-src 'unsafe-inline'`;
const RTL_LANGS = new Set(["ar", "arc", "dv", "fa", "he", "iw", "ks", "ku", "ps", "sd", "ug", "ur", "yi"]);

/** A BCP 47-looking language tag, or "". */
export function cleanLang(lang) {
  const tag = (lang || "").trim();
  return /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : "";
}

/** "rtl" / "ltr" from the stored direction, else from the language, else "auto". */
export function directionOf(dir, lang) {
  if (dir === "rtl" || dir === "ltr") return dir;
  const primary = cleanLang(lang).split("-")[0].toLowerCase();
  if (!primary) return "auto";
  return RTL_LANGS.has(primary) ? "rtl" : "ltr";
}

function el(doc, tag, className, text) {
  const node = doc.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** What storyDocument adds around the story's own body: its header, lead picture, "no text". */
export const STORY_CHROME = ".story-head, .story-lead, .story-empty";

const LEAD_SRC = new RegExp(`^${IMAGE_SCHEME}://localhost/[0-9a-f]{32}$`);

/** True for an offline image address of the app's own scheme (and nothing else). */
export function isOfflineImage(src) {
  return typeof src === "string" && LEAD_SRC.test(src);
}

/**
 * The srcdoc for `article` (an Article from `open_story`). `byline` and `source` are plain
 * strings; `theme` is "light", "dark" or "" (follow the system); `textSize` 1 to 5 (3 is the
 * default); `font` "serif" or "sans".
 */
export function storyDocument(article, { byline, source, theme, textSize, font }) {
  const html = article.content_html || article.teaser_html || "";
  const doc = new DOMParser().parseFromString(html, "text/html");
  const root = doc.documentElement;
  // "und" (undetermined, BCP 47) when neither the page nor its feed says: a reader's voice is
  // not told a language the story may not be in.
  root.setAttribute("lang", cleanLang(article.lang) || "und");
  root.setAttribute("dir", directionOf(article.dir, article.lang));
  root.removeAttribute("class");
  if (theme === "dark" || theme === "light") root.classList.add(`theme-${theme}`);
  const size = Number(textSize);
  if (Number.isInteger(size) && size >= 1 && size <= 5 && size !== 3) root.classList.add(`size-${size}`);
  if (font === "sans") root.classList.add("font-sans");

  // Defence in depth (the library's sanitizer already drops these): nothing that could run,
  // navigate, load or restyle the frame survives into the srcdoc.
  const inert = "script, noscript, meta, base, link, style, iframe, frame, frameset, object, embed, form";
  for (const node of Array.from(doc.querySelectorAll(inert))) node.remove();

  // Head: charset, the frame's own CSP, no referrer, links to a new window (see above), style.
  for (const old of Array.from(doc.head.childNodes)) old.remove();
  const charset = doc.createElement("meta");
  charset.setAttribute("charset", "utf-8");
  const csp = doc.createElement("meta");
  csp.setAttribute("http-equiv", "Content-Security-Policy");
  csp.setAttribute("content", FRAME_CSP);
  const referrer = doc.createElement("meta");
  referrer.setAttribute("name", "referrer");
  referrer.setAttribute("content", "no-referrer");
  const style = doc.createElement("style");
  style.textContent = FRAME_CSS;
  const base = doc.createElement("base");
  base.setAttribute("target", "_blank");
  const title = doc.createElement("title");
  title.textContent = article.title || "Untitled";
  doc.head.append(charset, csp, referrer, base, title, style);

  const header = el(doc, "header", "story-head");
  header.append(el(doc, "p", "story-source", source));
  header.append(el(doc, "h1", "story-title", article.title || "Untitled"));
  if (byline) header.append(el(doc, "p", "story-byline", byline));
  // A body that was only a <frameset> has none left once that is removed.
  let body = doc.body;
  if (!body) {
    body = doc.createElement("body");
    root.append(body);
  }
  body.prepend(header);
  // The lead image, when the body does not show it: served offline by the app's image scheme.
  const lead = article.lead_image_src;
  if (typeof lead === "string" && LEAD_SRC.test(lead)) {
    const figure = el(doc, "figure", "story-lead");
    const img = doc.createElement("img");
    img.setAttribute("src", lead);
    img.setAttribute("alt", "");
    figure.append(img);
    header.after(figure);
  }
  if (!html.trim()) body.append(el(doc, "p", "story-empty", "This story has no text."));
  return "<!doctype html>" + root.outerHTML;
}
