// Search: each search form (see search-form.html) searches its edition's Pagefind index, loaded
// from the form's data-search folder on first use. Without JavaScript the forms stay hidden and
// the header's link leads to the search page, which says that search needs JavaScript.
// Keyboard: type to search; Down moves into the results, Up and Down move between them, Escape
// goes back to the box (and, in the header, closes the results); Enter in the box opens the
// search page with the query.
(() => {
  const HEADER_RESULTS = 6;
  const PAGE_RESULTS = 20;

  for (const form of document.querySelectorAll("form[data-search]")) setUp(form);
  for (const note of document.querySelectorAll(".search-needs-script")) note.hidden = true;

  function setUp(form) {
    const input = form.querySelector("input[type=search]");
    const status = form.querySelector("[role=status]");
    const panel = form.querySelector(".search-panel");
    const summary = form.querySelector(".search-summary");
    const list = form.querySelector(".search-results");
    const onPage = form.dataset.kind === "page";
    const link = form.parentElement.querySelector(".search-link");
    const bundle = new URL(form.dataset.search, document.baseURI).href;
    let pagefind = null;
    let shown = "";

    const load = () => {
      pagefind ??= import(bundle + "pagefind.js").then(async (module) => {
        await module.options({ excerptLength: onPage ? 40 : 24 });
        module.init();
        // A large edition's index is in shards (see editions/search.py): the others join the first.
        // Each is named by its path, as the first is, so that its results' addresses are paths too
        // (Pagefind takes a shard's base address from the part of its own before /pagefind/).
        const shards = await fetch(bundle + "shards.json").then((r) => (r.ok ? r.json() : []), () => []);
        for (const shard of shards) await module.mergeIndex(new URL(shard, bundle).pathname);
        return module;
      });
      return pagefind;
    };

    const say = (text) => {
      summary.textContent = text;
      status.textContent = text;
    };

    const close = () => {
      panel.hidden = true;
      list.replaceChildren();
      shown = "";
    };

    async function run(query) {
      query = query.trim();
      if (!query) {
        close();
        say("");
        return;
      }
      let found;
      try {
        found = await (await load()).debouncedSearch(query, {}, 200);
      } catch (error) {
        panel.hidden = false;
        say(form.dataset.failed);
        console.warn("search:", error);
        return;
      }
      if (found === null || input.value.trim() !== query) return; // a later query is on its way
      const data = await Promise.all(found.results.slice(0, onPage ? PAGE_RESULTS : HEADER_RESULTS).map((r) => r.data()));
      if (input.value.trim() !== query) return;
      list.replaceChildren(...data.map((page) => result(page, form.dataset)));
      shown = query;
      panel.hidden = false;
      const count = found.results.length;
      say(count === 0 ? form.dataset.none : count === 1 ? form.dataset.one : form.dataset.many.replace("{count}", count));
      if (onPage) history.replaceState(null, "", "?q=" + encodeURIComponent(query));
    }

    input.addEventListener("focus", load, { once: true });
    input.addEventListener("input", () => run(input.value));
    form.addEventListener("submit", (event) => {
      if (onPage) {
        event.preventDefault();
        run(input.value);
      }
    });
    form.addEventListener("keydown", (event) => {
      const links = [...list.querySelectorAll("a")];
      const at = links.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && links.length) {
        links[Math.min(at + 1, links.length - 1)].focus();
      } else if (event.key === "ArrowUp" && at >= 0) {
        (at === 0 ? input : links[at - 1]).focus();
      } else if (event.key === "Escape") {
        if (!onPage && (document.activeElement === input || !shown)) close();
        input.focus();
      } else {
        return;
      }
      event.preventDefault();
    });
    if (!onPage) {
      // The header's results close once focus or a click leaves the form.
      form.addEventListener("focusout", (event) => {
        if (!form.contains(event.relatedTarget)) close();
      });
    }

    if (link) link.hidden = true;
    form.hidden = false;
    const asked = onPage ? new URLSearchParams(location.search).get("q") : null;
    if (asked) {
      input.value = asked;
      run(asked);
    }
  }

  // One result: the page's title, the section (heading) where the words are found, and the
  // excerpt with the words marked. A page shown untranslated (a fallback) is marked as such.
  function result(page, words) {
    const best = bestSection(page);
    const item = element("li", "search-result");
    const a = element("a");
    a.href = best ? best.url : page.url;
    const title = element("span", "search-title", page.meta.title || page.url);
    a.append(title);
    if (best && best.title && best.title !== page.meta.title) {
      a.append(element("span", "search-section", best.title));
    }
    const excerpt = element("span", "search-excerpt");
    excerpt.append(...marked(best ? best.excerpt : page.excerpt));
    a.append(excerpt);
    const original = page.meta.original_language;
    if (original) {
      item.classList.add("is-untranslated");
      for (const part of a.children) part.lang = original;
      a.append(element("span", "search-badge", words.untranslated));
    }
    item.append(a);
    return item;
  }

  // The part of the page with the most matches (Pagefind's sub-results are the parts between
  // headings that have an id; the first is the page's opening).
  function bestSection(page) {
    let best = null;
    for (const sub of page.sub_results || []) {
      if (!best || sub.locations.length > best.locations.length) best = sub;
    }
    return best;
  }

  // Pagefind's excerpt is text with <mark> around the matches: it is read as inert HTML and
  // rebuilt from its text and marks only, so no markup in a page can reach the results.
  // Pagefind marks each word it matched, and a Chinese query is several words (人工 智能): marks
  // that touch are joined into one. Pagefind joins a heading to the text after it with ". ",
  // which after Chinese reads as "。".
  function marked(excerpt) {
    const template = document.createElement("template");
    template.innerHTML = (excerpt || "").replace(/(\p{Script=Han}(?:<\/mark>)?)\. /gu, "$1。");
    const nodes = [];
    for (const node of template.content.childNodes) {
      const last = nodes[nodes.length - 1];
      if (node.nodeName === "MARK" && last && last.nodeName === "MARK") {
        last.textContent += node.textContent;
      } else if (node.nodeName === "MARK") {
        nodes.push(element("mark", "", node.textContent));
      } else {
        nodes.push(document.createTextNode(node.textContent));
      }
    }
    return nodes;
  }

  function element(name, className = "", text = "") {
    const node = document.createElement(name);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }
})();
