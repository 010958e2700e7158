// Settings → Rules: the mute and keep rules, listed with a button to remove each, and a new
// rule's fields (action, pattern, where to look, which feed) with its live preview
// (rule-preview.js). Rules apply to the stories of later syncs.

import * as api from "../api.js";
import { $, displayName, node } from "../dom.js";
import { sayError } from "../sync-status.js";
import { state } from "../state.js";
import { closeDialog, openDialog } from "./dialog.js";
import { clearPreview, previewSoon, showRuleError, typedRule } from "./rule-preview.js";

const FIELD_WORDS = { any: "", title: "in titles", text: "in texts" };

function feedName(id) {
  const feed = state.sources && state.sources.feeds.find((f) => f.id === id);
  return feed ? displayName(feed.title, feed.url) : `feed ${id}`;
}

/** Where a rule looks, in words: "in titles · Feed A" (empty: everywhere). */
function scopeText(rule) {
  const parts = [FIELD_WORDS[rule.field] || ""];
  if (rule.feed_id != null) parts.push(feedName(rule.feed_id));
  return parts.filter(Boolean).join(" · ");
}

function ruleItem(rule) {
  const li = node("li", "rule-item");
  li.dataset.ruleId = String(rule.id);
  li.dataset.action = rule.action;
  const scope = scopeText(rule);
  li.append(node("span", "rule-action", rule.action), node("span", "rule-pattern", rule.pattern));
  if (scope) li.append(node("span", "rule-scope", scope));
  const remove = node("button", "link-button danger rule-remove", "Remove");
  remove.type = "button";
  remove.setAttribute("aria-label", `Remove rule: ${rule.action} ${rule.pattern}${scope ? `, ${scope}` : ""}`);
  remove.addEventListener("click", () => removeRule(rule));
  li.append(remove);
  return li;
}

async function loadRules() {
  try {
    const rules = await api.rules();
    $("rules-list").replaceChildren(...rules.map(ruleItem));
    $("rules-list").dataset.count = String(rules.length);
  } catch (error) {
    sayError("Could not read the rules", error);
  }
}

async function removeRule(rule) {
  try {
    await api.removeRule(rule.id);
    await loadRules();
    $("rule-pattern").focus();
  } catch (error) {
    showRuleError(error);
  }
}

function fillFeeds() {
  const all = document.createElement("option");
  all.value = "";
  all.textContent = "Every feed";
  const feeds = (state.sources ? state.sources.feeds : []).map((f) => {
    const o = document.createElement("option");
    o.value = String(f.id);
    o.textContent = displayName(f.title, f.url);
    return o;
  });
  $("rule-feed").replaceChildren(all, ...feeds);
}

export function openRules() {
  fillFeeds();
  $("rule-pattern").value = "";
  clearPreview();
  loadRules();
  openDialog("rules-dialog", "rule-pattern");
}

async function onAdd(event) {
  event.preventDefault();
  const rule = typedRule();
  if (!rule) return $("rule-pattern").focus();
  try {
    await api.addRule(rule);
    $("rule-pattern").value = "";
    clearPreview();
    await loadRules();
    $("rule-pattern").focus();
  } catch (error) {
    showRuleError(error);
  }
}

export function wireRulesDialog() {
  $("rules-form").addEventListener("submit", onAdd);
  $("rules-form").addEventListener("input", previewSoon);
  $("rules-form").addEventListener("change", previewSoon);
  $("rules-close").addEventListener("click", () => closeDialog("rules-dialog"));
  $("settings-rules").addEventListener("click", openRules);
}
