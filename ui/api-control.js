// Rules and feed settings: part of api.js (import from there).

import { invoke } from "./ipc.js";

// Rules. A RuleSpec (src/rules/mod.rs) is { action: "mute" | "keep", pattern, feed_id (or
// null: every feed), field: "any" | "title" | "text" }; a Rule is a RuleSpec plus its `id`. The
// pattern is words and "quoted phrases" (all of them, whole words, any case and accents) or
// /a regex/. A pattern that cannot be a rule fails with kind "invalid-rule" (message: why).

/** Every rule, oldest first: [Rule]. */
export function rules() {
  return invoke("rules");
}

/** Adds a rule (a RuleSpec); resolves to its id. It applies to the stories of later syncs. */
export function addRule(rule) {
  return invoke("add_rule", { rule });
}

export function removeRule(id) {
  return invoke("remove_rule", { id });
}

/**
 * What a RuleSpec would have caught in the last 30 days: { stories: [StoryRow] (the newest,
 * at most 50), matched, checked, complete } (`complete` false: only the newest `checked`
 * stories were checked).
 */
export function previewRule(rule) {
  return invoke("preview_rule", { rule });
}

/**
 * Feed `id`'s settings: { full_text, interval_minutes, keep_days, user_agent: "tidings" |
 * "browser" } (`interval_minutes` null: fetched at every sync; `keep_days` null: read stories
 * kept as the library keeps them).
 */
export function feedSettings(id) {
  return invoke("feed_settings", { id });
}

/** Stores feed `id`'s settings (the shape `feedSettings` gives); they apply from the next sync. */
export function setFeedSettings(id, settings) {
  return invoke("set_feed_settings", { id, settings });
}
