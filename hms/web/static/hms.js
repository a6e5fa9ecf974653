// Small enhancements only; every page works without this file.
document.addEventListener("submit", (event) => {
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
document.addEventListener("DOMContentLoaded", () => {
  const first = document.querySelector("[data-autofocus]");
  if (first) first.focus();
});
// A table wider than its box scrolls inside it (hms.css); such a box takes
// keyboard focus, so it can be scrolled without a mouse.
function focusableScrollBoxes() {
  document.querySelectorAll("main table, main .table-scroll").forEach((box) => {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.dataset.scrollBox = "1";
    } else if (!scrolls && box.dataset.scrollBox) {
      box.removeAttribute("tabindex");
      delete box.dataset.scrollBox;
    }
  });
}
document.addEventListener("DOMContentLoaded", focusableScrollBoxes);
window.addEventListener("resize", focusableScrollBoxes);
