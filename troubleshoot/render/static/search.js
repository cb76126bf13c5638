// The search page: Pagefind's own interface over the index built with the site, searching
// the page's language; a query from the header's form (?q=...) is run at once.
"use strict";

// Chinese: cut each run of characters along the words of the site's index (longest first)
// and keep each word's first character, a prefix of the word the index holds. The browser
// would otherwise cut the query by its own dictionary, finer than the index did (过拟合
// into 过 + 拟 + 合), and 合 begins no word of the page (frontends/site/search.py).
function queryTerms(term) {
  const words = window.TROUBLESHOOT_WORDS;
  if (!words) {
    return term;
  }
  return term.replace(/[\u3400-\u9fff]+/g, (run) => {
    const kept = [];
    let at = 0;
    while (at < run.length) {
      let size = Math.min(8, run.length - at);
      while (size > 1 && !words.has(run.slice(at, at + size))) {
        size -= 1;
      }
      kept.push(run[at]);
      at += size;
    }
    return " " + kept.join(" ") + " ";
  }).replace(/\s+/g, " ").trim();
}

const search = new PagefindUI({
  element: "#search",
  showSubResults: true,
  showImages: false,
  processTerm: queryTerms,
});
const query = new URLSearchParams(window.location.search).get("q");
if (query) {
  search.triggerSearch(query);
}
