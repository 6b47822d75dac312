// GOV.UK's error summary: focus it when the page loads, so a screen reader announces it and a
// phone shows it; its links take the user to the field itself, with the field's label or legend
// (or the question holding it) in view, rather than only scrolling the page.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) {
      return;
    }
    var field = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
    if (!field) {
      return;
    }
    event.preventDefault();
    var fieldset = field.closest("fieldset");
    var label = (fieldset && fieldset.querySelector("legend")) || document.querySelector("label[for='" + field.id + "']");
    (label || target).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
