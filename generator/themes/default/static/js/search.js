// Search the site with its Pagefind index: a query, filters, and results with the match marked.
// The index comes in shards (a quarter of a year each, standalone pages apart): the newest is loaded, the rest merged.
// Without JavaScript the page shows links to the archive instead; this script reveals the form.
const box = document.querySelector("[data-search]");

if (box) {
  const root = box.dataset.root || "./";
  const form = box.querySelector(".search-form");
  const input = box.querySelector("#search-q");
  const status = box.querySelector(".search-status");
  const list = box.querySelector(".search-results");
  const selects = [...box.querySelectorAll("select[data-filter]")];
  let pagefind = null;
  let latest = 0;

  const say = (text) => { status.textContent = text; };

  const siteUrl = (url) => root + url.replace(/^\//, "");

  const chosenFilters = () => {
    const filters = {};
    for (const select of selects) {
      if (select.value) filters[select.dataset.filter] = select.value;
    }
    return filters;
  };

  const describe = (count, query) => {
    const runs = count === 1 ? "1 result" : `${count} results`;
    return query ? `${runs} for “${query}”.` : `${runs}.`;
  };

  const resultItem = (data) => {
    const item = document.createElement("li");
    item.className = "search-result";
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = siteUrl(data.url);
    link.textContent = data.meta.title || data.url;
    heading.append(link);
    item.append(heading);
    const facts = [data.meta.date, data.meta.emotions].filter(Boolean).join(" · ");
    if (facts) {
      const line = document.createElement("p");
      line.className = "search-result-meta";
      line.textContent = facts;
      item.append(line);
    }
    const excerpt = document.createElement("p");
    excerpt.className = "search-excerpt";
    excerpt.innerHTML = data.excerpt; // Pagefind escapes the text and adds only <mark>
    item.append(excerpt);
    return item;
  };

  const syncAddress = (query, filters) => {
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    for (const [name, value] of Object.entries(filters)) params.set(name, value);
    const search = params.toString();
    history.replaceState(null, "", search ? `?${search}` : location.pathname);
  };

  const run = async () => {
    const query = input.value.trim();
    const filters = chosenFilters();
    const turn = ++latest;
    syncAddress(query, filters);
    if (!query && !Object.keys(filters).length) {
      list.replaceChildren();
      say("");
      return;
    }
    say("Searching…");
    const found = await pagefind.debouncedSearch(query || null, { filters, sort: query ? undefined : { date: "desc" } }, 250);
    if (found === null || turn !== latest) return; // a newer search replaced this one
    const shown = await Promise.all(found.results.slice(0, 30).map((result) => result.data()));
    if (turn !== latest) return;
    list.replaceChildren(...shown.map(resultItem));
    say(found.results.length ? describe(found.results.length, query) : "Nothing found. Try another word, or fewer filters.");
  };

  const start = async () => {
    try {
      const bundle = new URL(`${root}pagefind/`, document.baseURI).href;
      const listed = await fetch(`${bundle}shards.json`);
      if (!listed.ok) throw new Error("no search index");
      const [first, ...others] = (await listed.json()).shards;
      pagefind = await import(`${bundle}pagefind.js`);
      await pagefind.options({ basePath: `${bundle}${first}/` });
      await pagefind.init();
      await Promise.all(others.map((shard) => pagefind.mergeIndex(`${bundle}${shard}/`)));
    } catch (error) {
      const archive = document.createElement("a");
      archive.href = `${root}archive/`;
      archive.textContent = "Browse the archive";
      status.replaceChildren("There is nothing to search here yet, or search could not start. ", archive, " instead.");
      return;
    }
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    for (const select of selects) select.value = params.get(select.dataset.filter) || "";
    form.hidden = false;
    form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
    input.addEventListener("input", run);
    for (const select of selects) select.addEventListener("change", run);
    if (input.value || selects.some((select) => select.value)) run();
  };

  start();
}
