// Polls a background import's progress and reloads the page when it is done.
(function () {
  const idNode = document.getElementById("import-id");
  if (!idNode) return;
  const bar = document.getElementById("import-progress");
  const text = document.getElementById("import-progress-text");
  const url = window.location.pathname.replace(/\/$/, "") + "/progress.json";
  function poll() {
    fetch(url, { headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((data) => {
        if (data.total) {
          bar.max = data.total;
          bar.value = data.done;
          text.textContent = data.done + " / " + data.total;
        }
        if (data.state === "checking" || data.state === "applying") {
          window.setTimeout(poll, 700);
        } else {
          window.location.reload();
        }
      })
      .catch(() => window.setTimeout(poll, 2000));
  }
  window.setTimeout(poll, 500);
})();
