// Roster import page (templates/training/import_detail.html): while the import is analysed or committed on
// a worker, poll its progress (#progress-card data-progress-url) and reload the page when it is done.
(function () {
  const card = document.getElementById("progress-card");
  const bar = document.getElementById("progress-bar");
  if (!card || !bar) { return; }
  const url = card.dataset.progressUrl;
  const working = ["analysing", "committing"];
  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (working.indexOf(state.status) === -1) { window.location.reload(); return; }
        bar.style.width = state.percent + "%";
        bar.textContent = state.percent + "%";
        document.getElementById("progress-phase").textContent = state.phase || state.status_label;
        document.getElementById("progress-count").textContent = state.total ? state.done + " / " + state.total : "";
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 800);
})();
