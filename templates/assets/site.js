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
