// The app's one store. `state` is read anywhere and changed only by the named actions below;
// each action tells the views that draw that part (`on(topic, view)`), and they re-render from
// the state. Stories are never changed in place: a change makes a new story object.

export const state = {
  // The list on screen: its key ("unread", "feed:3", "search", …), query and title.
  list: { kind: "unread" },
  listKey: "unread",
  listTitle: "All unread",
  // Its stories so far, the cursor of the next page (null: no more), and the id up to which
  // "mark all read" applies.
  stories: [],
  next: null,
  asOf: 0,
  selected: -1,
  // The open story (an Article from `open_story`), or null.
  article: null,
  // The open story's highlights as its frame shows them: [{ highlight, span }] (api.js,
  // highlightMarks; span null: no longer in the story); and every highlight in the library,
  // newest first (null until read).
  storyHighlights: [],
  highlights: null,
  sources: null,
  summary: null,
  syncing: false,
  // The last finished sync: { offline, kind, at } (unix seconds), or null.
  lastSync: null,
  // While searching: the list to go back to ({ key, list, title }) and the query; else null.
  searching: null,
  searchQuery: "",
  // Settings as the library hands them over (every key, defaults filled in), strings.
  settings: {},
  theme: "system",
  autoSync: false,
  autoSyncSeconds: 0,
  homeDir: "",
};

const views = new Map();

/** Calls `view(detail)` after every action on `topic`. */
export function on(topic, view) {
  if (!views.has(topic)) views.set(topic, []);
  views.get(topic).push(view);
}

function emit(topic, detail) {
  for (const view of views.get(topic) || []) view(detail);
}

/** The selected story, or null. */
export function currentStory() {
  return state.selected >= 0 ? state.stories[state.selected] ?? null : null;
}

// Topics: "list" ({ load }: which list, and whether its first page is to be loaded), "stories" ({ reset } | { from } | { changed: [index] }),
// "selection" ({ previous }), "article" ({ changed }: only its state, not its text, changed),
// "highlights" ({ story }: the open story's), "sources", "summary", "sync", "settings", "theme".
export const actions = {
  /** Shows another list (its first page is loaded by the list view); ends a search. */
  showList(key, list, title) {
    state.listKey = key;
    state.list = list;
    state.listTitle = title;
    state.searching = null;
    state.searchQuery = "";
    emit("list", { load: true });
  },

  retitleList(title) {
    state.listTitle = title;
    emit("list", { load: false });
  },

  /** A list's first page (or search results): replaces the stories. */
  storiesLoaded(stories, next, asOf) {
    state.stories = stories.slice();
    state.next = next;
    state.asOf = asOf;
    state.selected = -1;
    emit("stories", { reset: true });
  },

  moreLoaded(stories, next) {
    const from = state.stories.length;
    state.stories = state.stories.concat(stories);
    state.next = next;
    emit("stories", { from });
  },

  /** Stories matching `which(story)` get the fields of `change` (new objects). */
  storiesChanged(which, change) {
    const changed = [];
    state.stories = state.stories.map((story, index) => {
      if (!which(story)) return story;
      changed.push(index);
      return { ...story, ...change };
    });
    if (changed.length) emit("stories", { changed });
  },

  select(index) {
    const previous = state.selected;
    state.selected = index;
    emit("selection", { previous });
  },

  articleOpened(article) {
    state.article = article;
    emit("article");
  },

  /** The open story's state (read, bookmarked) changed; its text did not. */
  articleChanged(change) {
    if (!state.article) return;
    state.article = { ...state.article, ...change };
    emit("article", { changed: true });
  },

  articleClosed() {
    state.article = null;
    state.storyHighlights = [];
    emit("article");
    emit("highlights", { story: true });
  },

  storyHighlightsShown(marks) {
    state.storyHighlights = marks;
    emit("highlights", { story: true });
  },

  highlightsLoaded(highlights) {
    state.highlights = highlights;
    emit("highlights", { story: false });
  },

  sourcesLoaded(sources) {
    state.sources = sources;
    emit("sources");
  },

  summaryLoaded(summary) {
    state.summary = summary;
    emit("summary");
  },

  syncStarted() {
    state.syncing = true;
    emit("sync");
  },

  /** `result`: { offline, kind } of a finished sync, or null when it could not run. */
  syncEnded(result) {
    state.syncing = false;
    if (result) state.lastSync = { ...result, at: Date.now() / 1000 };
    emit("sync");
  },

  searchStarted() {
    if (!state.searching) state.searching = { key: state.listKey, list: state.list, title: state.listTitle };
  },

  searchShown(query) {
    state.searchQuery = query;
    state.listKey = "search";
    emit("list", { load: false });
  },

  /** Forgets the search; returns the list that showed before it (or null). */
  searchEnded() {
    const saved = state.searching;
    state.searching = null;
    state.searchQuery = "";
    return saved;
  },

  settingsLoaded({ values, auto_sync, auto_sync_seconds, home_dir }) {
    state.settings = { ...values };
    state.autoSync = !!auto_sync;
    state.autoSyncSeconds = auto_sync_seconds || 0;
    state.homeDir = home_dir || "";
    emit("settings");
  },

  settingChanged(name, value) {
    state.settings = { ...state.settings, [name]: String(value) };
    emit("settings", { name });
  },

  themeChanged(theme) {
    state.theme = theme;
    emit("theme");
  },
};
