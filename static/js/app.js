// shenghuohui — behaviour without inline scripts (the CSP forbids them).
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
    event.stopPropagation();
  }
});
// Close the phone menu after choosing an entry.
document.addEventListener("click", function (event) {
  const link = event.target.closest(".nav-menu a");
  if (link) link.closest("details").removeAttribute("open");
});
// Keep unsaved form input in the browser so a refused or failed submit loses nothing.
document.addEventListener("input", function (event) {
  const form = event.target.closest("form[data-draft-key]");
  if (!form) return;
  const data = {};
  new FormData(form).forEach(function (value, key) { if (typeof value === "string" && key !== "csrfmiddlewaretoken") data[key] = value; });
  try { localStorage.setItem("draft:" + form.dataset.draftKey, JSON.stringify(data)); } catch (e) { /* storage full or disabled */ }
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-draft-saved]").forEach(function (form) {
    try { localStorage.removeItem("draft:" + form.dataset.draftSaved); } catch (e) { /* ignore */ }
  });
});
