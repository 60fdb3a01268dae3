// The status chips filter the page's table: pressing one shows only the targets with that status,
// pressing it again (or another) shows all again (or the other's). Without script the chips are counts.
(function () {
  "use strict";
  function apply(active) {
    document.querySelectorAll("[data-filter]").forEach(function (chip) {
      chip.setAttribute("aria-pressed", String(chip.dataset.filter === active));
    });
    document.querySelectorAll("tr[data-status]").forEach(function (row) {
      row.hidden = Boolean(active) && row.dataset.status !== active;
    });
  }
  document.addEventListener("click", function (event) {
    var chip = event.target.closest("[data-filter]");
    if (!chip) return;
    apply(chip.getAttribute("aria-pressed") === "true" ? "" : chip.dataset.filter);
  });
})();
