// The search page: Pagefind's own interface over the index built with the site, searching
// the page's language; a query from the header's form (?q=...) is run at once.
"use strict";
const search = new PagefindUI({ element: "#search", showSubResults: true, showImages: false });
const query = new URLSearchParams(window.location.search).get("q");
if (query) {
  search.triggerSearch(query);
}
