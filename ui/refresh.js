// After the library changed under the window (a sync, an unsubscribe): the counts, the
// sources, and the list (or the search results) read again, the selected story kept.

import { reloadList } from "./list.js";
import { refreshSummary } from "./reader-pane.js";
import { runSearch } from "./search.js";
import { refreshSources } from "./sources.js";
import { state } from "./state.js";

export async function refreshLibrary() {
  await refreshSummary();
  await refreshSources();
  if (state.searching) await runSearch();
  else await reloadList();
}
