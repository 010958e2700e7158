// The rules editor's live preview: while a rule is typed, what it would have caught in the
// last 30 days (matched of checked, and the newest stories), or why the pattern cannot be a
// rule. Asks once typing pauses; an answer to an older question is dropped.

import * as api from "../api.js";
import { $, displayName, node, show } from "../dom.js";
import { explain } from "../errors.js";
import { plural } from "../format.js";

const PAUSE_MS = 250;
let timer = 0;
let asked = 0;

/** The rule the editor's fields describe, or null while the pattern is empty. */
export function typedRule() {
  const pattern = $("rule-pattern").value.trim();
  if (!pattern) return null;
  const feed = $("rule-feed").value;
  return {
    action: $("rule-action").value,
    pattern,
    feed_id: feed ? Number(feed) : null,
    field: $("rule-field").value,
  };
}

/** Shows why the typed rule cannot be one (or hides the reason, for null). */
export function showRuleError(error) {
  $("rule-error").textContent = error ? explain(error, "This cannot be a rule") : "";
  show("rule-error", !!error);
}

function showPreview(preview, rule) {
  const doing = rule.action === "keep" ? "flagged" : "muted";
  const checked = `${preview.checked}${preview.complete ? "" : " newest"}`;
  $("rule-preview-count").textContent =
    `${plural(preview.matched, "story", "stories")} of ${checked} checked would have been ${doing}.`;
  $("rule-preview").dataset.matched = String(preview.matched);
  $("rule-preview").dataset.checked = String(preview.checked);
  $("rule-preview-list").replaceChildren(
    ...preview.stories.slice(0, 8).map((story) => {
      const li = node("li", null, story.title || "Untitled");
      li.append(" ", node("span", "rule-preview-feed", `· ${displayName(story.feed_title)}`));
      return li;
    })
  );
}

/** Clears the preview (no rule typed yet). */
export function clearPreview() {
  clearTimeout(timer);
  asked++;
  $("rule-preview-count").textContent = "Type words to see what the rule would have caught.";
  for (const key of ["pattern", "matched", "checked"]) delete $("rule-preview").dataset[key];
  $("rule-preview-list").replaceChildren();
  showRuleError(null);
}

async function preview() {
  const rule = typedRule();
  if (!rule) return clearPreview();
  const mine = ++asked;
  try {
    const answer = await api.previewRule(rule);
    if (mine !== asked) return;
    // Which pattern the preview shows (a test waits for its own).
    $("rule-preview").dataset.pattern = rule.pattern;
    showRuleError(null);
    showPreview(answer, rule);
  } catch (error) {
    if (mine !== asked) return;
    $("rule-preview").dataset.pattern = rule.pattern;
    $("rule-preview-count").textContent = "";
    delete $("rule-preview").dataset.matched;
    $("rule-preview-list").replaceChildren();
    showRuleError(error);
  }
}

/** Previews the typed rule once typing pauses. */
export function previewSoon() {
  clearTimeout(timer);
  timer = setTimeout(preview, PAUSE_MS);
}
