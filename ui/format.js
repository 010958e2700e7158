// Dates and small text helpers for the lists. Everything is local time.

const DAY = 86400;

/** Unix seconds of the start of the local day containing `date` (default: now). */
export function startOfDay(date = new Date()) {
  const d = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  return Math.floor(d.getTime() / 1000);
}

/** "now", "5m", "3h", "2d", then a short date. */
export function timeAgo(seconds, now = Date.now() / 1000) {
  if (seconds == null) return "";
  const delta = Math.max(0, now - seconds);
  if (delta < 60) return "now";
  if (delta < 3600) return `${Math.floor(delta / 60)}m`;
  if (delta < DAY) return `${Math.floor(delta / 3600)}h`;
  if (delta < 7 * DAY) return `${Math.floor(delta / DAY)}d`;
  return shortDate(seconds);
}

// Each made on first use, keyed by its options object (one of the constants below): a
// formatter costs a millisecond or two to make (the locale's data), and the first screen
// needs only some of them.
const formatters = new Map();
function formatter(options) {
  let made = formatters.get(options);
  if (!made) {
    made = new Intl.DateTimeFormat(undefined, options);
    formatters.set(options, made);
  }
  return made;
}
const sameYear = { month: "short", day: "numeric" };
const otherYear = { year: "numeric", month: "short", day: "numeric" };
const dayHeading = { weekday: "long", month: "long", day: "numeric" };
const dayHeadingYear = { weekday: "long", year: "numeric", month: "long", day: "numeric" };
const full = { dateStyle: "long", timeStyle: "short" };
const clock = { hour: "2-digit", minute: "2-digit" };

export function shortDate(seconds) {
  const d = new Date(seconds * 1000);
  return formatter(d.getFullYear() === new Date().getFullYear() ? sameYear : otherYear).format(d);
}

/** The heading of the day group a story belongs to: "Today", "Yesterday", "Monday, 3 March". */
export function dayLabel(seconds) {
  const today = startOfDay();
  if (seconds >= today) return "Today";
  if (seconds >= today - DAY) return "Yesterday";
  const d = new Date(seconds * 1000);
  return formatter(d.getFullYear() === new Date().getFullYear() ? dayHeading : dayHeadingYear).format(d);
}

/** A key that is the same for two times on the same local day. */
export function dayKey(seconds) {
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** "14:05" (or "2:05 PM", as the locale writes it). */
export function clockTime(seconds) {
  return formatter(clock).format(new Date(seconds * 1000));
}

export function fullDate(seconds) {
  return seconds == null ? "" : formatter(full).format(new Date(seconds * 1000));
}

/** "1 story", "3 stories". */
export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}
