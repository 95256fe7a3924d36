// The language switcher keeps the reader's place: headings have the same anchors in every
// language, so the counterpart page's link takes the current #fragment along. Without JavaScript
// the links still lead to the counterpart page, at its top.
(() => {
  const links = document.querySelectorAll(".languages a[hreflang]");
  const carryFragment = () => {
    for (const link of links) link.hash = location.hash;
  };
  carryFragment();
  addEventListener("hashchange", carryFragment);
})();

// Tabs are radio buttons and work without this. It only keeps tab sets in step: choosing
// "Testnet" in one set chooses the tab of that name in every set on the page, as Docusaurus does.
(() => {
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!input.matches || !input.matches(".tab-input")) return;
    const name = input.nextElementSibling && input.nextElementSibling.textContent.trim();
    for (const label of document.querySelectorAll(".tab-label")) {
      const other = label.previousElementSibling;
      if (other && other !== input && !other.checked && label.textContent.trim() === name) other.checked = true;
    }
  });
})();
